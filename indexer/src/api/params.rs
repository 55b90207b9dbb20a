//! Parsing what clients send: hashes, addresses, ids, cursors, page sizes. Every failure
//! is a 400 in the common error shape.
//!
//! Each parser accepts exactly what the API document (`openapi.rs`) says: the patterns
//! below and [`PageKey`]'s cursor patterns, and the integer ranges of ids and page sizes.
//! A test holds the patterns and the parsers together.

use alloy::primitives::{Address, B256};
use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};
use serde::Deserialize;

use super::ApiError;
use crate::store::PageKey;

/// What [`hash`] accepts: 32 bytes in hex, with or without `0x`.
pub(super) const HASH_PATTERN: &str = "^(0x)?[0-9a-fA-F]{64}$";
/// What [`address`] accepts: 20 bytes in hex, with or without `0x` (no checksum check).
pub(super) const ADDRESS_PATTERN: &str = "^(0x)?[0-9a-fA-F]{40}$";
/// The largest dataset id ([`dataset_id`] takes 1 to this, in canonical decimal).
pub(super) const MAX_DATASET_ID: u32 = u32::MAX;

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
        match decimal(raw) {
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
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

/// `?fingerprint=...&max_distance=...&limit=...` on `GET /v1/outputs/similar`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SimilarQuery {
    /// The PDQ fingerprint, 32 bytes in hex.
    pub fingerprint: Option<String>,
    /// 0..=31, default 31.
    pub max_distance: Option<String>,
    /// 1..=100, default 25.
    pub limit: Option<String>,
}

impl SimilarQuery {
    /// The fingerprint, the largest distance and the most candidates asked for.
    pub(super) fn parse(&self) -> Result<(B256, u32, u32), ApiError> {
        let Some(raw) = &self.fingerprint else {
            return Err(ApiError::bad_request("missing_fingerprint", "give ?fingerprint=<64 hex>"));
        };
        let fingerprint = hash(raw, "fingerprint")?;
        let max = lineage_core::output::pdq::MATCH_DISTANCE;
        let max_distance = match &self.max_distance {
            None => max,
            Some(raw) => decimal(raw).filter(|d| *d <= max).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_max_distance",
                    format!("max_distance must be an integer from 0 to {max}, got {raw:?}"),
                )
            })?,
        };
        let limit = ListQuery { cursor: None, limit: self.limit.clone() }.limit()?;
        Ok((fingerprint, max_distance, limit))
    }
}

/// A `u32` written as JSON writes an integer: decimal digits, no sign, no leading zero.
fn decimal<T: std::str::FromStr>(raw: &str) -> Option<T> {
    let digits = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = raw.len() > 1 && raw.starts_with('0');
    if !digits || leading_zero {
        return None;
    }
    raw.parse().ok()
}

/// The one path parameter of a route, with a rejection (e.g. bad percent-encoding) in the
/// common error shape.
#[derive(Debug)]
pub(super) struct PathParam(pub(super) String);

/// The two path parameters of a route, as [`PathParam`].
#[derive(Debug)]
pub(super) struct PathParams(pub(super) String, pub(super) String);

/// A route's path parameters as `T`, with a rejection in the common error shape.
async fn path<T, S>(parts: &mut Parts, state: &S) -> Result<T, ApiError>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    Path::<T>::from_request_parts(parts, state)
        .await
        .map(|Path(p)| p)
        .map_err(|r| ApiError::bad_request("invalid_path", r.body_text()))
}

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        path(parts, state).await.map(Self)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        path(parts, state).await.map(|(a, b)| Self(a, b))
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

/// A dataset id: an integer from 1 to [`MAX_DATASET_ID`].
pub(super) fn dataset_id(raw: &str) -> Result<u32, ApiError> {
    match decimal(raw) {
        Some(n) if n > 0 => Ok(n),
        _ => Err(ApiError::bad_request(
            "invalid_dataset_id",
            format!("a dataset id is an integer from 1 to {MAX_DATASET_ID}, got {raw:?}"),
        )),
    }
}

/// The key behind a cursor this server handed out.
/// An output batch's index: 0 to 2^64 - 1, in canonical decimal.
pub(super) fn batch_index(raw: &str) -> Result<u64, ApiError> {
    decimal(raw).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_batch_index",
            "a batch index is a decimal integer from 0 to 18446744073709551615, without sign or \
             leading zero",
        )
    })
}

pub(super) fn cursor(raw: &str) -> Result<PageKey, ApiError> {
    PageKey::from_cursor(raw).ok_or_else(|| {
        ApiError::bad_request("invalid_cursor", "the cursor is not one this API returned")
    })
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::*;

    /// Strings on and around the edges of every pattern.
    fn tricky() -> Vec<String> {
        let mut all: Vec<String> = ["", "0x", "0X", "!!", "ZDE6Nw", "d1:7", "0", "+1", "-1", "01"]
            .map(str::to_owned)
            .into();
        for n in [7, 8, 9, 31, 32, 33, 39, 40, 41, 63, 64, 65] {
            for digit in ["a", "A", "f", "F", "0", "g", " "] {
                let body = digit.repeat(n);
                all.extend(
                    ["", "0x", "0X", "0x0x", "d", "m", "u", "D", "+"].map(|p| format!("{p}{body}")),
                );
                all.push(format!("{body}\n"));
            }
        }
        for key in [
            PageKey::Dataset(0),
            PageKey::Dataset(u32::MAX),
            PageKey::Model(0, 0),
            PageKey::Model(u64::MAX, u64::MAX),
            PageKey::Use(12, 3, 1),
            PageKey::Use(u64::MAX, 0, u32::MAX),
        ] {
            let cursor = key.cursor();
            all.extend([cursor.to_uppercase(), format!("{cursor}0"), cursor.clone()]);
            all.push(cursor[..cursor.len() - 1].to_owned());
        }
        all
    }

    /// The document's pattern for `what` matches exactly the strings its parser accepts.
    fn agree(what: &str, pattern: &str, accepts: impl Fn(&str) -> bool) {
        let re = Regex::new(pattern).unwrap();
        for raw in tricky() {
            assert_eq!(re.is_match(&raw), accepts(&raw), "{what}: {raw:?} against {pattern}");
        }
    }

    #[test]
    fn patterns_match_exactly_what_is_parsed() {
        agree("hash", HASH_PATTERN, |raw| hash(raw, "x").is_ok());
        agree("address", ADDRESS_PATTERN, |raw| address(raw).is_ok());
        let kind = |raw: &str| PageKey::from_cursor(raw).map(|key| std::mem::discriminant(&key));
        for (what, pattern, key) in [
            ("datasets cursor", PageKey::DATASET_CURSOR, PageKey::Dataset(1)),
            ("models cursor", PageKey::MODEL_CURSOR, PageKey::Model(1, 1)),
            ("usage cursor", PageKey::USE_CURSOR, PageKey::Use(1, 1, 1)),
        ] {
            agree(what, pattern, |raw| kind(raw) == Some(std::mem::discriminant(&key)));
        }
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        for key in [
            PageKey::Dataset(7),
            PageKey::Model(12, 3),
            PageKey::Use(12, 3, 1),
            PageKey::Use(u64::MAX, u64::MAX, u32::MAX),
        ] {
            assert_eq!(cursor(&key.cursor()).unwrap(), key);
        }
        for raw in ["", "!!", "ZDE6Nw", "d1:7", "d0000000g", "D00000007", "d+0000007", "d000000007"]
        {
            assert_eq!(cursor(raw).unwrap_err().code, "invalid_cursor", "{raw}");
        }
    }

    /// Ids and page sizes are integers as JSON writes them, in the documented ranges.
    #[test]
    fn integers_are_canonical_and_in_range() {
        assert_eq!(dataset_id("1").unwrap(), 1);
        assert_eq!(dataset_id(&MAX_DATASET_ID.to_string()).unwrap(), MAX_DATASET_ID);
        let limit = |raw: &str| ListQuery { limit: Some(raw.into()), cursor: None }.limit();
        assert_eq!(limit("1").unwrap(), 1);
        assert_eq!(limit("100").unwrap(), MAX_LIMIT);
        let too_big = (u64::from(MAX_DATASET_ID) + 1).to_string();
        for raw in ["", "0", "-1", "+1", "01", "1.0", "1e2", " 1", "x", &too_big] {
            assert_eq!(dataset_id(raw).unwrap_err().code, "invalid_dataset_id", "{raw:?}");
        }
        for raw in ["", "0", "+1", "01", "101", "1.0"] {
            assert_eq!(limit(raw).unwrap_err().code, "invalid_limit", "{raw:?}");
        }
    }

    #[test]
    fn hashes_and_addresses_are_checked() {
        assert!(hash(&format!("0x{}", "ab".repeat(32)), "x").is_ok());
        assert!(hash(&"AB".repeat(32), "x").is_ok());
        assert_eq!(hash("0x1234", "x").unwrap_err().code, "invalid_hash");
        assert_eq!(hash(&format!("0x{}", "zz".repeat(32)), "x").unwrap_err().code, "invalid_hash");
        assert_eq!(hash(&format!("0X{}", "ab".repeat(32)), "x").unwrap_err().code, "invalid_hash");
        assert!(address(&format!("0x{}", "11".repeat(20))).is_ok());
        assert_eq!(address("0x11").unwrap_err().code, "invalid_address");
    }
}
