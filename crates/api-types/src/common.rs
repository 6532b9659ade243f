use serde::{Deserialize, Serialize};

/// RFC 9457 problem details (`application/problem+json`): every error the API returns.
pub type Problem = problem_details::ProblemDetails;

/// Default and maximum `limit` of every list endpoint.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 1000;

/// One page of a list. `next_cursor` is opaque: pass it back as `cursor` to get the
/// next page; `null` means this was the last page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// What a user may do. Every operation declares the role it needs (OpenAPI's
/// `x-kamscope-role`); accounts enforce exactly that. A higher role includes the lower.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also ends dialogs, deletes registrations and messages, runs cleanups.
    Operator,
    /// Also administers kamscope (accounts, settings).
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

/// Whole numbers however JSON spells them: `46` or `46.0` (JSON Schema counts both as an
/// integer); `46.5`, negatives and numbers beyond the type are errors.
pub mod whole {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer};

    fn of<'de, T: TryFrom<u64>, D: Deserializer<'de>>(v: f64) -> Result<T, D::Error> {
        if v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64 {
            if let Ok(t) = T::try_from(v as u64) {
                return Ok(t);
            }
        }
        Err(D::Error::custom(format!("expected a whole number in range, got {v}")))
    }

    pub fn optional<'de, T: TryFrom<u64>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        match Option::<f64>::deserialize(d)? {
            None => Ok(None),
            Some(v) => of::<T, D>(v).map(Some),
        }
    }

    pub fn required<'de, T: TryFrom<u64>, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        of::<T, D>(f64::deserialize(d)?)
    }
}
