//! The audit log: who did what to which record and when, filtered by
//! author, entity, action and dates, in pages — every filter in the URL.

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{ListQuery, ListView, show, typed};
use crate::session::Allowed;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use comptoir_db::audit::AuditEntry;
use comptoir_services::audit::{self as service, AuditFilters};
use comptoir_services::require;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new().route("/settings/audit", get(log))
}

/// The log's filters as the URL carries them: a day for each end of the
/// range. Like the list parameters, a value edited by hand into nonsense
/// is dropped rather than refused.
#[derive(Deserialize)]
pub(crate) struct LogQuery {
    #[serde(flatten)]
    list: ListQuery,
    user: Option<String>,
    entity: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The filters that apply, as the form and every link keep them.
#[derive(Serialize)]
struct Kept {
    user: Option<String>,
    entity: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn day(text: &Option<String>) -> Option<NaiveDate> {
    typed(text.clone()).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

impl LogQuery {
    /// The filters the service takes: the days as the instants from the
    /// first day's start to the last day's end.
    pub(crate) fn filters(&self) -> AuditFilters {
        AuditFilters {
            action: typed(self.action.clone()),
            resource_type: typed(self.entity.clone()),
            resource_id: None,
            user_id: typed(self.user.clone()).and_then(|u| u.parse::<Uuid>().ok()),
            from: day(&self.from).map(|d| format!("{d}T00:00:00Z")),
            to: day(&self.to).map(|d| format!("{d}T23:59:59.999999Z")),
        }
    }

    fn kept(&self) -> Kept {
        Kept {
            user: typed(self.user.clone()).filter(|u| u.parse::<Uuid>().is_ok()),
            entity: typed(self.entity.clone()),
            action: typed(self.action.clone()),
            from: day(&self.from).map(|d| d.to_string()),
            to: day(&self.to).map(|d| d.to_string()),
        }
    }
}

async fn log(
    viewer: Allowed<require::AuditRead>,
    State(ctx): State<WebContext>,
    Query(mut query): Query<LogQuery>,
) -> PageResult<Response> {
    // A log is read from its latest entry back.
    query.list.sort.get_or_insert_with(|| "-seq".to_owned());
    let log = service::list_with_users(
        &ctx.db,
        &viewer.actor,
        query.filters(),
        query.list.sort::<AuditEntry>(),
        query.list.page(),
    )
    .await?;
    let kept = query.kept();
    let extra: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            [
                ("user", &kept.user),
                ("entity", &kept.entity),
                ("action", &kept.action),
                ("from", &kept.from),
                ("to", &kept.to),
            ]
            .iter()
            .map(|(name, value)| (*name, value.as_deref().unwrap_or_default())),
        )
        .finish();
    let filtered = kept.user.is_some()
        || kept.entity.is_some()
        || kept.action.is_some()
        || kept.from.is_some()
        || kept.to.is_some();
    let authors: BTreeMap<String, &str> = log
        .users
        .iter()
        .map(|u| (u.id.to_string(), u.name.as_str()))
        .collect();
    show(
        &viewer,
        "settings/audit.html",
        "settings.audit",
        json!({
            "list": ListView::new(log.entries, &query.list),
            "users": &log.users,
            "authors": authors,
            "filters": kept,
            "filtered": filtered,
            "extra": format!("&{extra}"),
        }),
    )
    .map(IntoResponse::into_response)
}
