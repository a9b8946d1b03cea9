//! Trusted signing keys managed through the API, rotated without a restart (issue 19).
//!
//! The keys an uploaded bundle may be signed with are the `--trusted-key` flags (fixed for the
//! process) plus the keys admins add with `POST /api/v1/admin/keys`, each valid from its
//! `not_before_ms` (default: at once) until its `not_after_ms` (default: open) or until it is
//! retired (`POST /api/v1/admin/keys/{id}/retire`). They are read from the database on every
//! upload, so a key added or retired on one replica counts on every replica at once.
//!
//! Rotation: add the new key (both are valid during the overlap), sign and publish with it, then
//! retire the old one; uploads signed with the old key are refused from then on. Bundles already
//! published stay served: what a device accepts is decided by the device.
//!
//! Devices do **not** learn keys from the server: each agent verifies bundles against the
//! `trusted_keys` of its managed configuration (docs/agent.md). So a compromised server (or a
//! stolen admin token) can add a key here, but no device will accept a bundle signed with it;
//! rotating on the devices means pushing the new public key through device management before
//! publishing with it (server/README.md, "Rotating a signing key").

use crate::store::SigningKeyRow;
use promptwall_policy::TrustedKey;

/// Schema step (both backends): each stored bundle's signed audience (JSON array of groups), for
/// the console's history. Bundles stored before it show none.
pub const AUDIENCE_MIGRATION: &str = "ALTER TABLE policies ADD COLUMN audience TEXT;";

/// A stored audience column back into groups (`[]` for none or unreadable).
pub fn audience_of(column: Option<String>) -> Vec<String> {
    column.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
}

/// Whether `row` may sign an upload at `now_ms`.
pub fn is_current(row: &SigningKeyRow, now_ms: i64) -> bool {
    row.retired_ms.is_none() && row.not_before_ms.is_none_or(|t| t <= now_ms) && row.not_after_ms.is_none_or(|t| now_ms < t)
}

/// The keys uploads are checked against now: the start-up flags plus the current API keys.
pub fn effective(flags: &[TrustedKey], rows: &[SigningKeyRow], now_ms: i64) -> Vec<TrustedKey> {
    let mut keys = flags.to_vec();
    for r in rows.iter().filter(|r| is_current(r, now_ms)) {
        if !keys.iter().any(|k| k.key_id == r.key_id) {
            keys.push(TrustedKey { key_id: r.key_id.clone(), public_key: r.public_key.clone() });
        }
    }
    keys
}

/// A key's state as listed: `active`, `pending` (before `not_before_ms`), `expired` (past
/// `not_after_ms`) or `retired`.
pub fn state(row: &SigningKeyRow, now_ms: i64) -> &'static str {
    if row.retired_ms.is_some() {
        "retired"
    } else if row.not_before_ms.is_some_and(|t| now_ms < t) {
        "pending"
    } else if row.not_after_ms.is_some_and(|t| t <= now_ms) {
        "expired"
    } else {
        "active"
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("`key_id` must be 1 to 128 characters of A-Z a-z 0-9 . _ -")]
    BadId,
    #[error("`public_key` must be the base64 of a 32-byte Ed25519 public key (a `promptwall policy keygen` .pub file)")]
    BadKey,
    #[error("`not_after_ms` must be after `not_before_ms`")]
    BadWindow,
}

/// Checks what an admin sends before it is stored.
pub fn validate(key_id: &str, public_key: &str, not_before_ms: Option<i64>, not_after_ms: Option<i64>) -> Result<(), KeyError> {
    use base64::Engine as _;
    if key_id.is_empty() || key_id.len() > 128 || !key_id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err(KeyError::BadId);
    }
    match base64::engine::general_purpose::STANDARD.decode(public_key.trim()) {
        Ok(b) if b.len() == 32 => {}
        _ => return Err(KeyError::BadKey),
    }
    if let (Some(a), Some(b)) = (not_before_ms, not_after_ms) {
        if b <= a {
            return Err(KeyError::BadWindow);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- API

use crate::api::{admin, parse_json, str_field, ApiError, ApiResult, AppState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

fn key_json(r: &SigningKeyRow, now_ms: i64) -> Value {
    json!({"key_id": r.key_id, "public_key": r.public_key, "source": "api", "state": state(r, now_ms),
           "not_before_ms": r.not_before_ms, "not_after_ms": r.not_after_ms, "added_ms": r.added_ms, "added_by": r.added_by,
           "retired_ms": r.retired_ms})
}

/// `GET /api/v1/admin/keys`: the `--trusted-key` flags (source `flag`, always active) and the
/// API's keys with their state; `current` lists the key ids an upload may be signed with now.
pub async fn list_keys(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    admin(&st, &headers).await?;
    let now = crate::now_ms();
    let rows = st.store.signing_keys().await?;
    let mut keys: Vec<Value> =
        st.trusted.iter().map(|k| json!({"key_id": k.key_id, "public_key": k.public_key, "source": "flag", "state": "active"})).collect();
    keys.extend(rows.iter().map(|r| key_json(r, now)));
    let current: Vec<String> = effective(&st.trusted, &rows, now).into_iter().map(|k| k.key_id).collect();
    Ok(axum::Json(json!({"keys": keys, "current": current})).into_response())
}

fn opt_ms(obj: &serde_json::Map<String, Value>, key: &str) -> ApiResult<Option<i64>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().filter(|n| *n >= 0).map(Some).ok_or_else(|| ApiError::bad(format!("`{key}` must be Unix milliseconds"))),
    }
}

/// `POST /api/v1/admin/keys` `{"key_id", "public_key", "not_before_ms"?, "not_after_ms"?}`: 201
/// with the key; 409 `key_exists` when the id is taken (by a flag or an API key, retired ones
/// included: a key id never comes back with another key).
pub async fn add_key(State(st): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> ApiResult<Response> {
    let admin_id = admin(&st, &headers).await?;
    let v = parse_json(&body?)?;
    let obj = v.as_object().ok_or_else(|| ApiError::bad("body must be a JSON object"))?;
    let key_id = str_field(obj, "key_id", 128, true)?.unwrap_or_default().to_string();
    let public_key = str_field(obj, "public_key", 128, true)?.unwrap_or_default().trim().to_string();
    let (nb, na) = (opt_ms(obj, "not_before_ms")?, opt_ms(obj, "not_after_ms")?);
    validate(&key_id, &public_key, nb, na).map_err(|e| ApiError::bad(e.to_string()))?;
    let now = crate::now_ms();
    let row = SigningKeyRow {
        key_id: key_id.clone(),
        public_key,
        not_before_ms: nb,
        not_after_ms: na,
        added_ms: now,
        added_by: admin_id,
        retired_ms: None,
    };
    if st.trusted.iter().any(|k| k.key_id == key_id) || !st.store.add_signing_key(&row).await? {
        return Err(ApiError::new(StatusCode::CONFLICT, "key_exists", format!("a signing key `{key_id}` exists already")));
    }
    tracing::info!(key_id = %key_id, not_before_ms = ?nb, not_after_ms = ?na, admin = %row.added_by, "trusted signing key added");
    Ok((StatusCode::CREATED, axum::Json(key_json(&row, now))).into_response())
}

/// `POST /api/v1/admin/keys/{id}/retire`: uploads signed with the key are refused from now on, on
/// every replica. The answer lists the groups whose bundle in force is signed with it (devices
/// keep that bundle until a newer one, signed with another key, is published).
pub async fn retire_key(State(st): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Response> {
    let admin_id = admin(&st, &headers).await?;
    if st.trusted.iter().any(|k| k.key_id == id) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "configured_key",
            format!("`{id}` comes from --trusted-key; remove the flag and restart to retire it"),
        ));
    }
    if !st.store.retire_signing_key(&id, crate::now_ms()).await? {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such key, or it is retired already"));
    }
    let mut still_in_force = Vec::new();
    for g in st.store.groups().await? {
        if let Some(p) = st.store.active_policy(&g.group).await? {
            if p.key_id == id {
                still_in_force.push(g.group);
            }
        }
    }
    tracing::info!(key_id = %id, admin = %admin_id, groups_still_signed_with_it = still_in_force.len(), "trusted signing key retired");
    Ok(axum::Json(json!({"key_id": id, "retired": true, "bundles_in_force": still_in_force})).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, nb: Option<i64>, na: Option<i64>, retired: Option<i64>) -> SigningKeyRow {
        SigningKeyRow {
            key_id: id.into(),
            public_key: "k".into(),
            not_before_ms: nb,
            not_after_ms: na,
            added_ms: 0,
            added_by: "a".into(),
            retired_ms: retired,
        }
    }

    #[test]
    fn the_window_and_retirement_decide() {
        let rows = [row("old", None, None, Some(5)), row("new", Some(10), Some(20), None), row("open", None, None, None)];
        let ids = |now| effective(&[], &rows, now).into_iter().map(|k| k.key_id).collect::<Vec<_>>();
        assert_eq!(ids(9), vec!["open"]);
        assert_eq!(ids(10), vec!["new", "open"]);
        assert_eq!(ids(20), vec!["open"]);
        assert_eq!(state(&rows[0], 0), "retired");
        assert_eq!(state(&rows[1], 0), "pending");
        assert_eq!(state(&rows[1], 25), "expired");
        assert_eq!(state(&rows[2], 25), "active");
        let flag = TrustedKey { key_id: "open".into(), public_key: "flag".into() };
        assert_eq!(effective(std::slice::from_ref(&flag), &rows, 0), vec![flag]);
    }

    #[test]
    fn bad_keys_are_refused() {
        let pk = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assert_eq!(validate("k-1", pk, None, None), Ok(()));
        assert_eq!(validate("k 1", pk, None, None), Err(KeyError::BadId));
        assert_eq!(validate("k", "AAAA", None, None), Err(KeyError::BadKey));
        assert_eq!(validate("k", pk, Some(5), Some(5)), Err(KeyError::BadWindow));
    }
}
