//! Parsing what clients send: hashes, addresses, ids, cursors, page sizes. Every failure
//! is a 400 in the common error shape.

use alloy::primitives::{Address, B256};
use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};
use serde::Deserialize;

use super::ApiError;
use crate::store::PageKey;

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: u32 = 25;
/// The most items per page.
pub const MAX_LIMIT: u32 = 100;

/// `?cursor=...&limit=...` on list endpoints.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1..=100.
    pub limit: Option<String>,
}

impl ListQuery {
    /// The page size asked for.
    pub(super) fn limit(&self) -> Result<u32, ApiError> {
        let Some(raw) = &self.limit else { return Ok(DEFAULT_LIMIT) };
        match raw.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(
                "invalid_limit",
                format!("limit must be an integer from 1 to {MAX_LIMIT}, got {raw:?}"),
            )),
        }
    }

    /// The page key the cursor stands for.
    pub(super) fn key(&self) -> Result<Option<PageKey>, ApiError> {
        self.cursor.as_deref().map(cursor).transpose()
    }
}

/// The one path parameter of a route, with a rejection (e.g. bad percent-encoding) in the
/// common error shape.
#[derive(Debug)]
pub(super) struct PathParam(pub(super) String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| Self(p))
            .map_err(|r| ApiError::bad_request("invalid_path", r.body_text()))
    }
}

/// A 32-byte hash in hex, with or without `0x`.
pub(super) fn hash(raw: &str, what: &str) -> Result<B256, ApiError> {
    let hex = raw.strip_prefix("0x").unwrap_or(raw);
    if hex.len() != 64 {
        return Err(ApiError::bad_request(
            "invalid_hash",
            format!("{what} must be 32 bytes in hex (64 digits), got {} characters", hex.len()),
        ));
    }
    hex.parse::<B256>()
        .map_err(|_| ApiError::bad_request("invalid_hash", format!("{what} is not hex: {raw:?}")))
}

/// A 20-byte address in hex.
pub(super) fn address(raw: &str) -> Result<Address, ApiError> {
    let hex = raw.strip_prefix("0x").unwrap_or(raw);
    if hex.len() != 40 {
        return Err(ApiError::bad_request(
            "invalid_address",
            format!("an address is 20 bytes in hex (40 digits), got {} characters", hex.len()),
        ));
    }
    hex.parse::<Address>()
        .map_err(|_| ApiError::bad_request("invalid_address", format!("not hex: {raw:?}")))
}

/// A dataset id: a decimal u32 from 1.
pub(super) fn dataset_id(raw: &str) -> Result<u32, ApiError> {
    match raw.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(ApiError::bad_request(
            "invalid_dataset_id",
            format!("a dataset id is an integer from 1 to {}, got {raw:?}", u32::MAX),
        )),
    }
}

/// The key behind a cursor this server handed out.
pub(super) fn cursor(raw: &str) -> Result<PageKey, ApiError> {
    PageKey::from_cursor(raw).ok_or_else(|| {
        ApiError::bad_request("invalid_cursor", "the cursor is not one this API returned")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        for key in [PageKey::Dataset(7), PageKey::Model(12, 3), PageKey::Use(12, 3, 1)] {
            assert_eq!(cursor(&key.cursor()).unwrap(), key);
        }
        for raw in ["", "!!", "ZDE6", "bTE6MTI", "eDE6MQ", "ZDE6LTE", "dTE6MTI6Mw"] {
            assert_eq!(cursor(raw).unwrap_err().code, "invalid_cursor", "{raw}");
        }
    }

    #[test]
    fn hashes_and_addresses_are_checked() {
        assert!(hash(&format!("0x{}", "ab".repeat(32)), "x").is_ok());
        assert!(hash(&"ab".repeat(32), "x").is_ok());
        assert_eq!(hash("0x1234", "x").unwrap_err().code, "invalid_hash");
        assert_eq!(hash(&format!("0x{}", "zz".repeat(32)), "x").unwrap_err().code, "invalid_hash");
        assert!(address(&format!("0x{}", "11".repeat(20))).is_ok());
        assert_eq!(address("0x11").unwrap_err().code, "invalid_address");
        assert_eq!(dataset_id("0").unwrap_err().code, "invalid_dataset_id");
        assert_eq!(dataset_id("-1").unwrap_err().code, "invalid_dataset_id");
        assert_eq!(dataset_id("1").unwrap(), 1);
    }
}
