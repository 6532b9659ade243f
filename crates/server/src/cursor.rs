//! Opaque cursors: the keyset position a page ended at, as URL-safe base64 of JSON.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{de::DeserializeOwned, Serialize};

use crate::error::ApiError;

pub fn encode<T: Serialize>(key: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).expect("cursor keys serialize"))
}

pub fn decode<T: DeserializeOwned>(cursor: &str) -> Result<T, ApiError> {
    let bad = || {
        ApiError::bad_param(
            "cursor",
            "is not a cursor this list gave out; pass back `next_cursor` unchanged, or leave it out for the first page",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| bad())?;
    serde_json::from_slice(&bytes).map_err(|_| bad())
}
