//! Who acts: a user of an organization with a role, and where the request
//! came from. What the actor may do is asked of the permission matrix
//! (`domain::permissions`), never decided by comparing roles.

use chrono::NaiveDate;
use comptoir_domain::permissions::{Permission, Role};
use comptoir_domain::time_zone::TimeZone;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Actor {
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    /// The organization's, in which "today" is reckoned.
    pub time_zone: TimeZone,
}

impl Actor {
    /// Whether the permission matrix grants the actor's role `permission`.
    pub fn may(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }

    /// The organization's calendar day now: the default date of what the
    /// actor issues, delivers or records.
    pub fn today(&self) -> NaiveDate {
        self.time_zone.date_at(chrono::Utc::now())
    }

    /// The actor as the audit log records it.
    pub fn audit(&self) -> comptoir_db::audit::Actor {
        comptoir_db::audit::Actor {
            organization_id: self.organization_id,
            user_id: Some(self.user_id),
            request_id: self.request_id.clone(),
            ip: self.ip.clone(),
        }
    }
}
