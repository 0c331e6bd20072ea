//! Settings: an index of the sections the reader's role may open, and a
//! module per section — `organization` (name, time zone, identity and logo),
//! `templates` (the document templates), `users` (accounts and the role matrix),
//! `numbering` (number formats), `audit` (the log), `compliance` (the
//! sales chain's check and the closings).

pub(crate) mod audit;
mod compliance;
mod numbering;
mod organization;
mod templates;
mod users;

use super::show;
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::session::Viewer;
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_domain::permissions::Permission;
use serde::Serialize;
use serde_json::json;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/settings", get(index))
        .merge(users::router())
        .merge(numbering::router())
        .merge(organization::router())
        .merge(templates::router())
        .merge(audit::router())
        .merge(compliance::router())
}

/// A section of the settings, shown to the roles its permission grants:
/// the permission its page requires.
#[derive(Serialize)]
struct Section {
    href: &'static str,
    label: &'static str,
    text: &'static str,
    #[serde(skip)]
    permission: Permission,
}

const SECTIONS: &[Section] = &[
    Section {
        href: "/settings/organization",
        label: "settings.organization",
        text: "settings.organization.text",
        permission: Permission::SettingsManage,
    },
    Section {
        href: "/settings/document-templates",
        label: "settings.templates",
        text: "settings.templates.text",
        permission: Permission::SettingsManage,
    },
    Section {
        href: "/settings/users",
        label: "settings.users",
        text: "settings.users.text",
        permission: Permission::UsersManage,
    },
    Section {
        href: "/settings/roles",
        label: "settings.roles",
        text: "settings.roles.text",
        permission: Permission::UsersManage,
    },
    Section {
        href: "/settings/numbering",
        label: "settings.numbering",
        text: "settings.numbering.text",
        permission: Permission::SettingsManage,
    },
    Section {
        href: "/settings/audit",
        label: "settings.audit",
        text: "settings.audit.text",
        permission: Permission::AuditRead,
    },
    Section {
        href: "/settings/compliance",
        label: "settings.compliance",
        text: "settings.compliance.text",
        permission: Permission::InvoicesRead,
    },
];

/// The index: the sections the reader's role may open; a role with none
/// is refused, as its menu has no Settings entry.
async fn index(viewer: Viewer) -> PageResult<Response> {
    let sections: Vec<&Section> = SECTIONS
        .iter()
        .filter(|section| viewer.actor.may(section.permission))
        .collect();
    if sections.is_empty() {
        return Err(PageError::Forbidden);
    }
    show(
        &viewer,
        "settings/index.html",
        "settings.title",
        json!({ "sections": sections }),
    )
    .map(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_menu_entry_names_the_permissions_of_the_sections() {
        let sections: BTreeSet<&str> = SECTIONS.iter().map(|s| s.permission.as_str()).collect();
        let menu: BTreeSet<&str> = crate::render::SETTINGS.iter().map(|p| p.as_str()).collect();
        assert_eq!(sections, menu);
    }
}
