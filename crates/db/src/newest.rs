//! Newest-first keyset pages over a time column, for the tables Kamailio appends to
//! (`acc`, `missed_calls`, `topos_d`, `topos_t`, and `sip_trace` next): order by
//! (time DESC, id DESC), continue after the last row's (time, id).
use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::sea_query::{Alias, Cond, Expr, Order, SelectStatement};
use sea_orm::{QueryResult, Value};

use crate::time::{datetime_value, read_f64, read_i64, Zones};
use crate::Backend;

/// Where a newest-first page ended: the row's time as the backend stores it (a
/// Julian-day REAL on SQLite, a naive DATETIME elsewhere) and its id. Kept raw, so the
/// next page continues exactly, with no rounding between pages.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimeCursor {
    pub t: TimeKey,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum TimeKey {
    /// Carried as the float's bits: serde_json's default float parsing may land one ulp
    /// off, and a cursor one ulp below a stored time skips the rows that share it.
    Julian(#[serde(with = "f64_bits")] f64),
    Naive(NaiveDateTime),
}

mod f64_bits {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(v.to_bits())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        u64::deserialize(d).map(f64::from_bits)
    }
}

impl TimeKey {
    fn value(&self) -> Value {
        match self {
            TimeKey::Julian(j) => Value::from(*j),
            TimeKey::Naive(n) => Value::from(*n),
        }
    }
}

/// The column alias the raw time is selected as.
const KEY: &str = "time_key";

/// Adds the raw time to the select, the time window, the keyset continuation, and the
/// newest-first order. `q` selects from `table`.
#[allow(clippy::too_many_arguments)]
pub fn newest_first(
    q: &mut SelectStatement,
    backend: Backend,
    zones: Zones,
    table: &str,
    col: &str,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    after: Option<&TimeCursor>,
) {
    let t = Alias::new(table);
    let c = || Expr::col((t.clone(), Alias::new(col)));
    q.expr_as(c(), Alias::new(KEY));
    if let Some(from) = from {
        q.and_where(c().gte(datetime_value(backend, from, zones.stored)));
    }
    if let Some(to) = to {
        q.and_where(c().lt(datetime_value(backend, to, zones.stored)));
    }
    if let Some(k) = after {
        // The expanded form of (time, id) < (?, ?): MariaDB uses a time index for it,
        // not for the row-value comparison.
        let id = Expr::col((t.clone(), Alias::new("id")));
        q.cond_where(Cond::all().add(c().lte(k.t.value())).add(Cond::any().add(c().lt(k.t.value())).add(id.lt(k.id))));
    }
    q.order_by((t.clone(), Alias::new(col)), Order::Desc).order_by((t, Alias::new("id")), Order::Desc);
}

/// The row's cursor (after [`newest_first`]).
pub fn cursor_of(row: &QueryResult, backend: Backend) -> TimeCursor {
    let t = match backend {
        Backend::Sqlite => TimeKey::Julian(read_f64(row, KEY).unwrap_or_default()),
        _ => TimeKey::Naive(row.try_get::<Option<NaiveDateTime>>("", KEY).ok().flatten().unwrap_or_default()),
    };
    TimeCursor { t, id: read_i64(row, "id").unwrap_or_default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored time serde_json's float parser reads one ulp off (seen on a lab database:
    /// the next page skipped the rows that shared the time).
    #[test]
    fn cursors_carry_the_stored_time_exactly() {
        let stored = 2461375.9555613426_f64;
        let c = TimeCursor { t: TimeKey::Julian(stored), id: 9 };
        let json = serde_json::to_string(&c).unwrap();
        let back: TimeCursor = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let TimeKey::Julian(j) = back.t else { panic!("{json}") };
        assert_eq!(j.to_bits(), stored.to_bits());
        let naive = TimeCursor {
            t: TimeKey::Naive(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(1, 2, 3).unwrap()),
            id: 1,
        };
        assert_eq!(serde_json::from_str::<TimeCursor>(&serde_json::to_string(&naive).unwrap()).unwrap(), naive);
    }
}
