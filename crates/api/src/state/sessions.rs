//! The per-instance cache of session states: `ApiContext` holds it, the
//! `auth` extractors read through it, and logout and user changes clear it
//! on their instance.

use comptoir_db::auth::SessionState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a session read from the database vouches for the requests
/// that follow: a logout or a deactivation takes effect at once on the
/// instance that made it, and within this delay on the others.
const SESSION_CACHE_TTL: Duration = Duration::from_secs(1);
/// Sessions kept at most; past it, the expired ones are dropped.
const SESSION_CACHE_MAX: usize = 10_000;

/// Session states recently read, so a client's burst of requests costs one
/// lookup instead of one each.
#[derive(Clone, Default)]
pub struct SessionCache(Arc<Mutex<HashMap<Uuid, (Instant, SessionState)>>>);

impl SessionCache {
    pub(crate) fn get(&self, session_id: Uuid) -> Option<SessionState> {
        let sessions = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        sessions
            .get(&session_id)
            .filter(|(read_at, _)| read_at.elapsed() < SESSION_CACHE_TTL)
            .map(|(_, session)| session.clone())
    }

    pub(crate) fn put(&self, session_id: Uuid, session: SessionState) {
        let mut sessions = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if sessions.len() >= SESSION_CACHE_MAX {
            sessions.retain(|_, (read_at, _)| read_at.elapsed() < SESSION_CACHE_TTL);
        }
        if sessions.len() < SESSION_CACHE_MAX {
            sessions.insert(session_id, (Instant::now(), session));
        }
    }

    /// Forgets one session, after it ended here.
    pub fn forget(&self, session_id: Uuid) {
        let mut sessions = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.remove(&session_id);
    }

    /// Forgets every session, after a change to users.
    pub fn clear(&self) {
        let mut sessions = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.clear();
    }
}
