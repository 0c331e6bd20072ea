//! The audit log's hash chain. Each organization's entries form a chain:
//! `hash = sha256(previous_hash || canonical JSON of the entry)`, the first
//! entry chaining from [`GENESIS_HASH`]. Changing, removing or reordering an
//! entry breaks every hash after it.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The "previous hash" of an organization's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// JSON with object keys sorted and no insignificant whitespace, so the same
/// entry always hashes the same whatever the database did to key order.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The hash of an entry given the hash before it, as lowercase hex.
pub fn chain_hash(previous_hash: &str, entry: &Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous_hash.as_bytes());
    hasher.update(canonical_json(entry).as_bytes());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_ignores_key_order() {
        let a = json!({"b": 1, "a": {"d": [1, "x"], "c": null}});
        let b = json!({"a": {"c": null, "d": [1, "x"]}, "b": 1});
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(canonical_json(&a), r#"{"a":{"c":null,"d":[1,"x"]},"b":1}"#);
    }

    #[test]
    fn any_change_changes_the_hash() {
        let entry = json!({"action": "update", "after": {"name": "Chaise"}});
        let h = chain_hash(GENESIS_HASH, &entry);
        assert_eq!(h.len(), 64);
        assert_ne!(
            h,
            chain_hash(
                GENESIS_HASH,
                &json!({"action": "update", "after": {"name": "Chaises"}})
            )
        );
        assert_ne!(h, chain_hash(&h, &entry));
    }
}
