//! JSON merge patches (RFC 7396): an update is the current representation
//! with the patch applied, read as a full request, so updates are
//! validated exactly like creations.

use crate::error::{ServiceError, ServiceResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Applies a JSON merge patch to the current representation and reads the
/// result as a full request.
pub fn merge_patch<T: Serialize, R: DeserializeOwned>(
    current: &T,
    patch: Value,
) -> ServiceResult<R> {
    if !patch.is_object() {
        return Err(ServiceError::BadInput(
            "a PATCH body is a JSON object".into(),
        ));
    }
    let mut merged = serde_json::to_value(current).map_err(ServiceError::internal)?;
    apply_merge_patch(&mut merged, patch);
    serde_json::from_value(merged).map_err(|e| ServiceError::BadInput(e.to_string()))
}

fn apply_merge_patch(target: &mut Value, patch: Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            if let Value::Object(map) = target {
                for (key, value) in fields {
                    if value.is_null() {
                        map.insert(key, Value::Null);
                    } else {
                        apply_merge_patch(map.entry(key).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other,
    }
}
