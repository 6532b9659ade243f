//! acc's whole-list export (the CSV download) on SQLite. Through sqlx every row crosses
//! from its SQLite worker thread to the async side on its own (profiled: ~40% of an
//! export in thread switches and locks). Here a thread of the export's own reads the
//! same SELECT with its own read-only connection and hands over batches of decoded
//! records; a bounded channel keeps it only a few batches ahead of the client.
use std::time::Duration;

use futures::stream::{self, StreamExt};
use kamscope_api_types::acc::Cdr;
use rusqlite::types::{Value as Param, ValueRef};
use rusqlite::{Connection, OpenFlags};
use sea_orm::{DbErr, RuntimeErr, Statement, Value};

use crate::acc::{CdrRow, CdrStream, Decoder};
use crate::{Backend, DbError, KamailioDb};

/// Records per hand-over: a thread switch per this many rows instead of per row.
const BATCH: usize = 1024;
/// Batches read ahead of the client (memory: this many + the one being filled).
const AHEAD: usize = 2;
/// As long as sqlx's pool waits for a lock Kamailio holds (its default busy timeout).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What the reader hands over: records, and whether they are the last.
type Batch = (Vec<Result<Cdr, DbError>>, bool);

/// The rows of `stmt` (built by `records_query` for SQLite) decoded by `decoder`, or
/// both back when this path cannot take them (another backend, a database in memory).
pub(crate) async fn stream(
    db: &KamailioDb,
    stmt: Statement,
    decoder: Decoder,
) -> Result<Result<CdrStream, (Statement, Decoder)>, DbError> {
    if db.backend != Backend::Sqlite || db.db_backend() != sea_orm::DbBackend::Sqlite {
        return Ok(Err((stmt, decoder)));
    }
    // A pooled connection held for the export's length: exports count against the pool
    // as the streamed query did, and the database stays open (WAL's shared memory too).
    let mut pooled = db.conn.get_sqlite_connection_pool().acquire().await.map_err(sqlx_error)?;
    let file: String = sea_orm::sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_optional(&mut *pooled)
        .await
        .map_err(sqlx_error)?
        .unwrap_or_default();
    if file.is_empty() {
        return Ok(Err((stmt, decoder)));
    }
    let params = match stmt.values.as_ref().map_or(Ok(Vec::new()), |v| v.0.iter().map(param).collect()) {
        Ok(p) => p,
        // A value this path does not bind: the general path does.
        Err(()) => return Ok(Err((stmt, decoder))),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(AHEAD);
    let sql = stmt.sql;
    std::thread::Builder::new()
        .name("acc-export".into())
        .spawn(move || read(&file, &sql, params, &decoder, &tx))
        .map_err(|e| DbError::Query(format!("starting the export's reader: {e}")))?;
    // The first batch before answering: a database that cannot be opened or read is the
    // caller's error (a 503), not a download that breaks at once.
    let first = match rx.recv().await {
        Some((mut rows, last)) => {
            if matches!(rows.first(), Some(Err(_))) {
                return Err(rows.swap_remove(0).unwrap_err());
            }
            (rows, last)
        }
        None => return Err(reader_gone()),
    };
    let rest = stream::unfold((Some(rx), pooled), |(rx, pooled)| async move {
        let mut rx = rx?;
        match rx.recv().await {
            Some((rows, false)) => Some((rows, (Some(rx), pooled))),
            Some((rows, true)) => Some((rows, (None, pooled))),
            // Ended without its last batch (it panicked): a broken download, not a short file.
            None => Some((vec![Err(reader_gone())], (None, pooled))),
        }
    });
    let batches = match first {
        (rows, true) => stream::iter([rows]).boxed(),
        (rows, false) => stream::iter([rows]).chain(rest).boxed(),
    };
    Ok(Ok(batches.flat_map(stream::iter).boxed()))
}

fn reader_gone() -> DbError {
    DbError::Query("the export's reader stopped".into())
}

/// As the pool's own errors are classified (connection.rs).
fn sqlx_error(e: sea_orm::sqlx::Error) -> DbError {
    DbError::from(DbErr::Query(RuntimeErr::SqlxError(e)))
}

/// The values `records_query` binds: text (filters) and reals (SQLite's times).
fn param(v: &Value) -> Result<Param, ()> {
    Ok(match v {
        Value::String(s) => s.as_ref().map_or(Param::Null, |s| Param::Text(s.to_string())),
        Value::Double(d) => d.map_or(Param::Null, Param::Real),
        Value::BigInt(i) => i.map_or(Param::Null, Param::Integer),
        Value::Int(i) => i.map_or(Param::Null, |i| Param::Integer(i.into())),
        _ => return Err(()),
    })
}

/// BUSY and LOCKED (Kamailio holds the lock), CANTOPEN (the file is gone or unreadable)
/// are the database being away, as connection.rs's `sqlx_unavailable` classifies them.
fn db_error(e: rusqlite::Error) -> DbError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if matches!(f.extended_code & 0xff, 5 | 6 | 14) => {
            DbError::Unavailable(e.to_string())
        }
        _ => DbError::Query(e.to_string()),
    }
}

/// The reader's thread: runs the SELECT and sends batches until the rows end, one
/// fails, or the receiver is gone (the download finished, stopped or stalled).
fn read(file: &str, sql: &str, params: Vec<Param>, decoder: &Decoder, tx: &tokio::sync::mpsc::Sender<Batch>) {
    let fail = |e: rusqlite::Error| {
        let _ = tx.blocking_send((vec![Err(db_error(e))], true));
    };
    // Read-only and without URI parsing: the file the pool has open, as it is named.
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match Connection::open_with_flags(file, flags) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if let Err(e) = conn.busy_timeout(BUSY_TIMEOUT) {
        return fail(e);
    }
    let mut stmt = match conn.prepare(sql) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let mut rows = match stmt.query(rusqlite::params_from_iter(params)) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let (last, end) = match rows.next() {
            Ok(Some(row)) => {
                batch.push(Ok(decoder.cdr(&Row { row, names: &names })));
                (false, batch.len() == BATCH)
            }
            Ok(None) => (true, true),
            Err(e) => {
                batch.push(Err(db_error(e)));
                (true, true)
            }
        };
        if end {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if tx.blocking_send((full, last)).is_err() || last {
                return;
            }
        }
    }
}

/// One row of the SELECT, read by column name as [`Decoder::cdr`] asks, giving what
/// sqlx gives for the same values: text only from TEXT (valid UTF-8), integers only
/// from INTEGER, reals only from REAL, NULL as none.
struct Row<'a, 's> {
    row: &'a rusqlite::Row<'s>,
    names: &'a [String],
}

impl Row<'_, '_> {
    fn get(&self, col: &str) -> ValueRef<'_> {
        self.names.iter().position(|n| n == col).and_then(|i| self.row.get_ref(i).ok()).unwrap_or(ValueRef::Null)
    }
    fn int(&self, col: &str) -> Option<i64> {
        match self.get(col) {
            ValueRef::Integer(i) => Some(i),
            _ => None,
        }
    }
    fn real(&self, col: &str) -> Option<f64> {
        match self.get(col) {
            ValueRef::Real(f) => Some(f),
            _ => None,
        }
    }
}

impl CdrRow for Row<'_, '_> {
    fn id(&self, _: &Decoder) -> i64 {
        self.int("id").unwrap_or_default()
    }
    fn string(&self, col: &str) -> Option<String> {
        match self.get(col) {
            ValueRef::Text(t) => std::str::from_utf8(t).ok().filter(|s| !s.is_empty()).map(String::from),
            _ => None,
        }
    }
    fn text(&self, col: &str) -> Option<String> {
        self.string(col)
            .or_else(|| self.int(col).map(|v| v.to_string()))
            .or_else(|| self.real(col).map(|v| v.to_string()))
    }
    fn time(&self, d: &Decoder, col: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        // As time::read_datetime reads select_datetime's seconds on SQLite.
        self.real(col).and_then(|s| crate::time::from_epoch(crate::time::sqlite_seconds(s), d.zones.shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acc::{AccDb, AccTable, CdrFilter};
    use crate::testdb::temp_sqlite;
    use chrono::{TimeZone, Utc};
    use futures::TryStreamExt;
    use sea_orm::ConnectionTrait;

    /// Every row of the list, page after page.
    async fn paged(db: &KamailioDb, f: &CdrFilter) -> Vec<Cdr> {
        let (mut all, mut after) = (Vec::new(), None);
        loop {
            let (page, next) = db.records(AccTable::Acc, f, 700, after).await.unwrap();
            all.extend(page);
            match next {
                Some(c) => after = Some(c),
                None => return all,
            }
        }
    }

    #[tokio::test]
    async fn the_export_gives_the_lists_rows_across_batches_and_with_filters() {
        let db = temp_sqlite("acc-export", chrono_tz::UTC, chrono_tz::Asia::Shanghai).await;
        db.conn
            .execute_unprepared(
                "CREATE TABLE acc (id INTEGER PRIMARY KEY NOT NULL, method VARCHAR(16) DEFAULT '' NOT NULL,
                 from_tag VARCHAR(128) DEFAULT '' NOT NULL, to_tag VARCHAR(128) DEFAULT '' NOT NULL,
                 callid VARCHAR(255) DEFAULT '' NOT NULL, sip_code VARCHAR(3) DEFAULT '' NOT NULL,
                 sip_reason VARCHAR(128) DEFAULT '' NOT NULL, time TIMESTAMP WITHOUT TIME ZONE NOT NULL,
                 src_user VARCHAR(64), dst_user VARCHAR(64), leg INTEGER, custom_tag VARCHAR(32))",
            )
            .await
            .unwrap();
        // 5000 rows, three to a second (as db_sqlite writes second t: the Julian day of
        // t - 0.5 s); every 97th with a text time (fewer than a page: they sort first), some NULLs and empty texts, a number in
        // an extra column.
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap().timestamp();
        db.conn
            .execute_unprepared(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
                 INSERT INTO acc (method, from_tag, callid, sip_code, sip_reason, time, src_user, dst_user, leg, custom_tag)
                 SELECT CASE WHEN i % 2 = 0 THEN 'INVITE' ELSE 'BYE' END, 'ft' || i, 'call-' || (i / 2),
                        CASE i % 5 WHEN 0 THEN '486' WHEN 1 THEN '' ELSE '200' END, 'OK',
                        CASE WHEN i % 97 = 0 THEN datetime({t0} + i / 3, 'unixepoch')
                             ELSE ({t0} + i / 3 - 0.5) / 86400.0 + {} END,
                        'u' || (i % 9), CASE WHEN i % 4 = 0 THEN NULL ELSE 'bob' END,
                        CASE WHEN i % 3 = 0 THEN i END, CASE WHEN i % 6 = 0 THEN '' ELSE 'x' || i END
                 FROM n",
                crate::time::JULIAN_EPOCH
            ))
            .await
            .unwrap();
        // This path, not the general one, reads a database in a file.
        let (stmt, decoder) =
            db.records_query(AccTable::Acc, &CdrFilter::default(), None, None, None, false).await.unwrap();
        assert!(stream(&db, stmt, decoder).await.unwrap().is_ok());
        let from = Utc.timestamp_opt(t0 + 200, 0).unwrap();
        let filters = [
            CdrFilter::default(),
            CdrFilter { method: Some("INVITE".into()), from: Some(from), ..Default::default() },
            CdrFilter { caller: Some("u4".into()), answered_only: true, to: Some(from), ..Default::default() },
        ];
        for (f, many) in filters.iter().zip([true, true, false]) {
            let streamed: Vec<Cdr> = db.stream_records(AccTable::Acc, f).await.unwrap().try_collect().await.unwrap();
            let want = paged(&db, f).await;
            assert_eq!(streamed.len(), want.len(), "{f:?}");
            if let Some(i) = (0..want.len()).find(|&i| streamed[i] != want[i]) {
                panic!("{f:?}: row {i} streamed {:?}, listed {:?}", streamed[i], want[i]);
            }
            let n = streamed.len();
            assert!(if many { n > 2 * BATCH } else { n > 0 && n < 100 }, "{f:?}: {n} rows");
        }
        let all: Vec<Cdr> = db.stream_records(AccTable::Acc, &filters[0]).await.unwrap().try_collect().await.unwrap();
        let mut ids: Vec<i64> = all.iter().map(|c| c.id).collect();
        ids.sort();
        assert_eq!(ids, (1..=5000).collect::<Vec<_>>());
        let at = |id: i64| all.iter().find(|c| c.id == id).unwrap();
        // Both time forms read as the same second, in the reporting zone.
        let second = Utc.timestamp_opt(t0 + 4948 / 3, 0).unwrap();
        assert_eq!(at(4948).time, Some(second.with_timezone(&chrono_tz::Asia::Shanghai).fixed_offset()));
        assert_eq!(at(4947).time, at(4948).time); // 4947's is text, 4948's a Julian day
        let extra = |id: i64, c: &str| at(id).extra.get(c).cloned();
        assert_eq!((extra(4947, "leg"), extra(4947, "custom_tag")), (Some("4947".into()), Some("x4947".into())));
        assert_eq!((extra(4948, "leg"), extra(4998, "custom_tag")), (None, None));
        assert_eq!((at(4996).dst_user.as_deref(), at(4997).dst_user.as_deref()), (None, Some("bob")));
        assert_eq!((at(4995).sip_code, at(4996).sip_code, at(4997).sip_code), (Some(486), None, Some(200)));
    }

    #[tokio::test]
    async fn a_file_that_cannot_be_opened_or_a_lock_is_the_database_away() {
        let decoder = Decoder::new(
            Backend::Sqlite,
            crate::time::Zones { stored: chrono_tz::UTC, shown: chrono_tz::UTC },
            &[],
            Vec::new(),
        );
        let (tx, mut rx) = tokio::sync::mpsc::channel(AHEAD);
        std::thread::spawn(move || read("/nonexistent/kamscope/acc.sqlite", "SELECT 1", Vec::new(), &decoder, &tx));
        let (mut rows, last) = rx.recv().await.unwrap();
        assert!(last);
        assert!(matches!(rows.pop(), Some(Err(DbError::Unavailable(_)))));
        let failure = |code| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        // SQLITE_BUSY, SQLITE_LOCKED_SHAREDCACHE (an extended code): away; SQLITE_ERROR: the query.
        assert!(matches!(db_error(failure(5)), DbError::Unavailable(_)));
        assert!(matches!(db_error(failure(6 | (1 << 8))), DbError::Unavailable(_)));
        assert!(matches!(db_error(failure(1)), DbError::Query(_)));
    }
}
