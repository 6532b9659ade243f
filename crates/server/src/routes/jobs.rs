//! `/api/v1/jobs`: long actions (cleanups) started elsewhere, followed and cancelled here.
use actix_web::{delete, get, web, HttpResponse};
use kamscope_api_types::jobs::Job;
use kamscope_api_types::query::{JobsQuery, DEFAULT_LIMIT};
use kamscope_api_types::Page;

use crate::cursor;
use crate::error::responses::{BadRequest, Conflict, NotFound};
use crate::error::ApiError;
use crate::extract::{ApiQuery, NoQuery};
use crate::jobs::JobRunner;

super::area! {
    tag: "jobs",
    description: "Long actions (cleanups): progress, result, cancel",
    state: jobs,
    operations: [list_jobs: Viewer, get_job: Viewer, cancel_job: Operator],
}

/// Recent jobs, newest first (kamscope keeps the last 500 since it started).
#[utoipa::path(
    tag = "jobs",
    params(JobsQuery),
    responses((status = 200, description = "One page of jobs", body = Page<Job>), BadRequest)
)]
#[get("/jobs")]
pub async fn list_jobs(jobs: web::Data<JobRunner>, q: ApiQuery<JobsQuery>) -> Result<web::Json<Page<Job>>, ApiError> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT) as usize;
    let before = q.cursor.as_deref().map(cursor::decode::<u64>).transpose()?;
    let mut items = jobs.recent(before, limit + 1);
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().and_then(|j| j.id.parse::<u64>().ok()).map(|id| cursor::encode(&id))
    } else {
        None
    };
    Ok(web::Json(Page { items, next_cursor }))
}

/// One job: state, progress (done, total if known, rate, time left), result or error.
#[utoipa::path(
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id, from the `Location` of the POST that started it")),
    responses((status = 200, description = "The job", body = Job), NotFound)
)]
#[get("/jobs/{id}")]
pub async fn get_job(
    jobs: web::Data<JobRunner>,
    id: web::Path<String>,
    _q: ApiQuery<NoQuery>,
) -> Result<web::Json<Job>, ApiError> {
    Ok(web::Json(jobs.get(&id)?))
}

/// Cancel a running job: it stops at its next step (a cleanup between batches), keeps
/// what it has done and leaves the rest untouched; then its state is `cancelled`.
#[utoipa::path(
    tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    responses(
        (status = 202, description = "Cancel requested; follow the job until it is `cancelled`", body = Job),
        NotFound, Conflict,
    )
)]
#[delete("/jobs/{id}")]
pub async fn cancel_job(
    jobs: web::Data<JobRunner>,
    id: web::Path<String>,
    _q: ApiQuery<NoQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Accepted().json(jobs.cancel(&id)?))
}
