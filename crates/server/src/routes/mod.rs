//! `/api/v1`, one file per Kamailio module (plus health).
use actix_web::web;

use crate::error::ApiError;

pub mod dialog;
pub mod health;
pub mod monitoring;
pub mod usrloc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Fixed paths before `/dialogs/{h_entry}/{h_id}`-style ones.
    cfg.service(health::health)
        .service(monitoring::dashboard)
        .service(dialog::dialog_stats)
        .service(dialog::dialog_history)
        .service(dialog::list_dialogs)
        .service(dialog::get_dialog)
        .service(dialog::end_dialog)
        .service(usrloc::list_registrations)
        .service(usrloc::get_registration)
        .service(usrloc::delete_registration)
        .service(usrloc::delete_contact);
}

/// `limit`: default 50, 1..=1000, named in the error when wrong.
pub fn parse_limit(raw: Option<&str>) -> Result<u32, ApiError> {
    use kamscope_api_types::common::{DEFAULT_LIMIT, MAX_LIMIT};
    match raw {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_param(
                "limit",
                format!("must be a whole number from 1 to {MAX_LIMIT}, got {s:?}"),
            )),
        },
    }
}

/// Unknown `/api/...` paths answer problem+json, not the SPA.
pub async fn api_not_found(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!("There is no API resource at {} {}", req.method(), req.path())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_and_bounds() {
        assert_eq!(parse_limit(None).unwrap(), 50);
        assert_eq!(parse_limit(Some("1000")).unwrap(), 1000);
        for bad in ["0", "1001", "-1", "ten", "1.5"] {
            let err = parse_limit(Some(bad)).unwrap_err().to_string();
            assert!(err.contains("`limit`"), "{err}");
        }
    }
}
