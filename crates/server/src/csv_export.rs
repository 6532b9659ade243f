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

/// A list item that writes its own CSV fields, in [`CsvColumns`] order, without going
/// through JSON: the whole-table exports write a million of them.
pub trait CsvRecord: CsvColumns {
    fn write_fields(&self, w: &mut csv::Writer<Vec<u8>>) -> csv::Result<()>;
}

/// Bytes an export collects before handing them to the client.
const CHUNK: usize = 64 * 1024;
/// Chunks written ahead of the client: memory stays CHUNK × this, whatever the rows.
const AHEAD: usize = 4;
/// An export whose client takes nothing for this long is stopped, giving its database
/// connection back.
pub const STALLED: std::time::Duration = std::time::Duration::from_secs(60);

/// The whole list as a CSV stream from one streamed query: `rows` is read only as fast
/// as the client takes the CSV (a few chunks ahead), and the query ends (its pooled
/// connection back) when the list is done, the client goes away, or it stalls for
/// [`STALLED`]. The first chunk is made before answering, so a database that is down is
/// still a problem response; an error later ends the download early (a broken transfer,
/// not a short file that looks complete).
pub async fn stream_rows<T, E>(
    rows: futures::stream::BoxStream<'static, Result<T, E>>,
) -> Result<impl Stream<Item = Result<Bytes, ApiError>>, ApiError>
where
    T: CsvRecord + 'static,
    E: Into<ApiError> + 'static,
{
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, ApiError>>(AHEAD);
    // Its own task, so a client that stops reading cannot hold the query forever.
    actix_web::rt::spawn(async move {
        let mut rows = rows;
        let fail = |e: csv::Error| ApiError::Internal(format!("writing CSV: {e}"));
        let writer = || {
            csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .buffer_capacity(16 * 1024)
                .from_writer(Vec::with_capacity(CHUNK + 16 * 1024))
        };
        let mut w = writer();
        let mut out: Result<(), ApiError> = w.write_record(T::COLUMNS).map_err(fail);
        let mut done = false;
        while !done {
            // Rows until a chunk is full or the list ends.
            while out.is_ok() && w.get_ref().len() < CHUNK {
                match futures::StreamExt::next(&mut rows).await {
                    Some(Ok(item)) => {
                        // The writer moves its buffer into the Vec as it fills.
                        out = item.write_fields(&mut w).and_then(|_| w.write_record(None::<&[u8]>)).map_err(fail);
                    }
                    Some(Err(e)) => out = Err(e.into()),
                    None => {
                        done = true;
                        break;
                    }
                }
            }
            let msg = match std::mem::replace(&mut out, Ok(())) {
                Ok(()) => match std::mem::replace(&mut w, writer()).into_inner() {
                    Ok(bytes) => Ok(Bytes::from(bytes)),
                    Err(e) => Err(ApiError::Internal(format!("writing CSV: {e}"))),
                },
                Err(e) => {
                    tracing::warn!(error = %e, "CSV export stopped");
                    done = true;
                    Err(e)
                }
            };
            match tokio::time::timeout(STALLED, tx.send(msg)).await {
                Ok(Ok(())) => {}
                // The client went away (the response was dropped).
                Ok(Err(_)) => break,
                Err(_) => {
                    tracing::warn!("CSV export stopped: the client took nothing for {} s", STALLED.as_secs());
                    break;
                }
            }
        }
    });
    let first = match rx.recv().await {
        Some(Ok(b)) => b,
        Some(Err(e)) => return Err(e),
        None => return Err(ApiError::Internal("the CSV export ended before it began".into())),
    };
    let rest = stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|m| (m, rx)) });
    Ok(futures::StreamExt::chain(stream::once(async { Ok(first) }), rest))
}

/// The download response for [`stream_rows`].
pub async fn download_rows<T, E>(
    what: &str,
    tz: Tz,
    rows: futures::stream::BoxStream<'static, Result<T, E>>,
) -> Result<HttpResponse, ApiError>
where
    T: CsvRecord + 'static,
    E: Into<ApiError> + 'static,
{
    let body = stream_rows(rows).await?;
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

    impl CsvRecord for Row {
        fn write_fields(&self, w: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
            w.write_field(self.n.to_string())?;
            w.write_field(&self.text)?;
            w.write_field(self.leg.tag.as_deref().unwrap_or(""))
        }
    }

    /// 200,000 rows from one stream: all arrive once, in order, as the generic writer
    /// writes them, and the export reads only a few chunks ahead of what the client took.
    #[actix_rt::test]
    async fn a_streamed_export_writes_every_row_and_reads_little_ahead() {
        use std::sync::atomic::{AtomicU64, Ordering};
        use std::sync::Arc;
        const ROWS: u64 = 200_000;
        let read = Arc::new(AtomicU64::new(0));
        let r = read.clone();
        let rows = stream::iter(0..ROWS)
            .map(move |n| {
                r.fetch_add(1, Ordering::Relaxed);
                Ok::<_, ApiError>(row(n))
            })
            .boxed();
        let s = stream_rows(rows).await.unwrap();
        let mut s = Box::pin(s);
        let (mut body, mut chunks, mut received) = (Vec::new(), 0usize, 0u64);
        while let Some(chunk) = s.next().await {
            let chunk = chunk.unwrap();
            chunks += 1;
            let start = body.len().saturating_sub(1);
            body.extend_from_slice(&chunk);
            // Records end in CRLF (a field's own line break is a bare LF here).
            received += body[start..].windows(2).filter(|w| w == b"\r\n").count() as u64;
            // Rows read beyond those the client has: at most the chunks in the channel
            // and the one being written, each under CHUNK + the writer's buffer, rows of
            // 15 bytes or more.
            let ahead = read.load(Ordering::Relaxed) - (received - 1);
            assert!(ahead <= ((AHEAD + 2) * (CHUNK + 16 * 1024) / 15) as u64, "{ahead} rows read ahead");
        }
        assert_eq!(received - 1, ROWS);
        assert!(chunks > 10, "{chunks} chunks");
        let all: Vec<Row> = (0..ROWS).map(row).collect();
        assert_eq!(body, &csv_chunk(&all, true).unwrap()[..]);
    }

    #[actix_rt::test]
    async fn a_streamed_export_failing_at_once_is_an_error_not_a_file() {
        let rows = stream::iter([Err::<Row, _>(ApiError::DbUnavailable("down".into()))]).boxed();
        assert!(matches!(stream_rows(rows).await, Err(ApiError::DbUnavailable(_))));
    }

    #[tokio::test]
    async fn a_failing_first_page_is_an_error_not_a_file() {
        let r =
            stream(|_c: Option<String>| async { Err::<Page<Row>, _>(ApiError::DbUnavailable("down".into())) }).await;
        assert!(matches!(r, Err(ApiError::DbUnavailable(_))));
    }
}
