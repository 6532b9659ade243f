//! `format=csv` for any list: RFC 4180 with a header row, the list's own filters, read
//! page by page through the list's own service call. Only one page is in memory at a
//! time (the next is read when the client has taken the previous), and each page is its
//! own query, so a slow download holds no pooled database connection between pages.
use std::future::Future;

use actix_web::http::header;
use actix_web::HttpResponse;
use bytes::Bytes;
use chrono::Utc;
use chrono_tz::Tz;
use futures::stream::{self, Stream};
use kamscope_api_types::query::{ListFormat, Paged, MAX_LIMIT};
use kamscope_api_types::Page;
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;

/// The columns of a list's CSV: dotted paths into one item's JSON (`caller.tag`).
pub trait CsvColumns {
    const COLUMNS: &'static [&'static str];
}

fn cell(item: &Value, path: &str) -> String {
    let mut v = item;
    for key in path.split('.') {
        match v.get(key) {
            Some(next) => v = next,
            None => return String::new(),
        }
    }
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// The CSV bytes of some items (with the header row first when `header`).
pub fn csv_chunk<T: Serialize + CsvColumns>(items: &[T], header: bool) -> Result<Bytes, ApiError> {
    let mut w =
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::with_capacity(items.len() * 128));
    let fail = |e: csv::Error| ApiError::Internal(format!("writing CSV: {e}"));
    if header {
        w.write_record(T::COLUMNS).map_err(fail)?;
    }
    for item in items {
        let v = serde_json::to_value(item).map_err(|e| ApiError::Internal(format!("writing CSV: {e}")))?;
        w.write_record(T::COLUMNS.iter().map(|c| cell(&v, c))).map_err(fail)?;
    }
    w.into_inner().map(Bytes::from).map_err(|e| ApiError::Internal(format!("writing CSV: {e}")))
}

/// The whole list as a CSV stream: `fetch(cursor)` gives one page. The first page is
/// read before answering, so a database that is down is still a 503 problem; an error
/// on a later page ends the download early (the client sees a broken transfer, not a
/// short file that looks complete).
pub async fn stream<T, F, Fut>(mut fetch: F) -> Result<impl Stream<Item = Result<Bytes, ApiError>>, ApiError>
where
    T: Serialize + CsvColumns,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let first = fetch(None).await?;
    let head = csv_chunk(&first.items, true)?;
    let rest = stream::unfold((fetch, first.next_cursor), |(mut fetch, cursor)| async move {
        let cursor = cursor?;
        match fetch(Some(cursor)).await.and_then(|p| csv_chunk(&p.items, false).map(|b| (b, p.next_cursor))) {
            Ok((bytes, next)) => Some((Ok(bytes), (fetch, next))),
            Err(e) => {
                tracing::warn!(error = %e, "CSV export stopped");
                Some((Err(e), (fetch, None)))
            }
        }
    });
    Ok(futures::StreamExt::chain(stream::once(async { Ok(head) }), rest))
}

/// A file name that says what and when: `kamscope-registrations-db-20261201-101500+0800.csv`.
pub fn file_name(what: &str, tz: Tz) -> String {
    format!("kamscope-{what}-{}.csv", Utc::now().with_timezone(&tz).format("%Y%m%d-%H%M%S%z"))
}

/// The download response for [`stream`].
pub async fn download<T, F, Fut>(what: &str, tz: Tz, fetch: F) -> Result<HttpResponse, ApiError>
where
    T: Serialize + CsvColumns + 'static,
    F: FnMut(Option<String>) -> Fut + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let body = stream(fetch).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8; header=present"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", file_name(what, tz))))
        .streaming(body))
}

/// Rows per query of an export: larger than an API page (fewer queries, each of which
/// may sort), small enough that one page in memory stays a few MB.
pub const EXPORT_PAGE: u32 = 5 * MAX_LIMIT;

/// A list's answer: one JSON page, or with `format=csv` the whole list read page by page
/// through the same call. Every list handler answers through this.
pub async fn page_or_csv<Q, S, T, F, Fut>(
    what: &str,
    tz: Tz,
    q: Q,
    svc: std::sync::Arc<S>,
    fetch: F,
) -> Result<HttpResponse, ApiError>
where
    Q: Paged + 'static,
    S: ?Sized + 'static,
    T: Serialize + CsvColumns + 'static,
    F: Fn(std::sync::Arc<S>, Q) -> Fut + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    if q.format() == Some(ListFormat::Csv) {
        return download(what, tz, move |cursor| fetch(svc.clone(), q.page_at(cursor, EXPORT_PAGE))).await;
    }
    Ok(HttpResponse::Ok().json(fetch(svc, q).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::cell::Cell;
    use std::rc::Rc;

    #[derive(Serialize)]
    struct Row {
        n: u64,
        text: String,
        leg: Leg,
    }
    #[derive(Serialize)]
    struct Leg {
        tag: Option<String>,
    }
    impl CsvColumns for Row {
        const COLUMNS: &'static [&'static str] = &["n", "text", "leg.tag"];
    }

    fn row(n: u64) -> Row {
        Row { n, text: format!("a \"q\", b\n{n}"), leg: Leg { tag: n.is_multiple_of(2).then(|| "t".into()) } }
    }

    #[test]
    fn rfc4180_quoting_header_and_nested_columns() {
        let b = csv_chunk(&[row(1), row(2)], true).unwrap();
        assert_eq!(
            std::str::from_utf8(&b).unwrap(),
            "n,text,leg.tag\r\n1,\"a \"\"q\"\", b\n1\",\r\n2,\"a \"\"q\"\", b\n2\",t\r\n"
        );
        assert_eq!(&csv_chunk::<Row>(&[], true).unwrap()[..], b"n,text,leg.tag\r\n");
    }

    /// 200 pages of 1,000 rows: every row arrives once, in order, and the export never
    /// reads a page ahead of what the client has taken (so memory stays one page).
    #[tokio::test]
    async fn a_large_export_reads_one_page_at_a_time() {
        const PAGES: u64 = 200;
        let fetched = Rc::new(Cell::new(0u64));
        let f = fetched.clone();
        let s = stream(move |cursor: Option<String>| {
            let f = f.clone();
            async move {
                let page: u64 = cursor.map_or(0, |c| c.parse().unwrap());
                f.set(f.get() + 1);
                let items = (page * 1000..(page + 1) * 1000).map(row).collect();
                Ok(Page { items, next_cursor: (page + 1 < PAGES).then(|| (page + 1).to_string()) })
            }
        })
        .await
        .unwrap();
        let mut s = Box::pin(s);
        let mut taken = 0u64;
        let mut rows = 0usize;
        let mut last_n = None;
        while let Some(chunk) = s.next().await {
            taken += 1;
            assert!(fetched.get() <= taken, "read page {} while the client had taken {taken}", fetched.get());
            let chunk = chunk.unwrap();
            let mut r = csv::ReaderBuilder::new().has_headers(taken == 1).from_reader(&chunk[..]);
            for rec in r.records() {
                let n: u64 = rec.unwrap()[0].parse().unwrap();
                assert_eq!(Some(n), last_n.map_or(Some(0), |l: u64| Some(l + 1)));
                last_n = Some(n);
                rows += 1;
            }
        }
        assert_eq!((rows, fetched.get()), (200_000, PAGES));
    }

    #[tokio::test]
    async fn a_failing_first_page_is_an_error_not_a_file() {
        let r =
            stream(|_c: Option<String>| async { Err::<Page<Row>, _>(ApiError::DbUnavailable("down".into())) }).await;
        assert!(matches!(r, Err(ApiError::DbUnavailable(_))));
    }
}
