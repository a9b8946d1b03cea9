//! Statistics from hourly rollups (issue 19).
//!
//! `GET /api/v1/admin/stats` used to group the events table itself: 3.9 s at 600,000 events on
//! SQLite. Now every event adds one to a counter per (kind, hour, key) — its action, its site and
//! each of its tags (entity types, categories, rule ids) — in the **same transaction** that
//! stores it, and retention takes the same counters back in the transaction that deletes it, so
//! the rollups never drift from the events table. Statistics read only the rollups: their size
//! depends on hours × distinct keys, never on the number of events.
//!
//! - **SQLite** (one writer): the counters are upserted directly (`event_rollups`), each batch's
//!   events summed first, so a batch of 100 events costs a few dozen upserts.
//! - **PostgreSQL** (many concurrent writers): upserting shared hot rows (`action = block` of the
//!   current hour) would serialise every ingest transaction on those rows' locks until commit.
//!   So each transaction *appends* its deltas to `event_rollup_log` (insert-only, no conflicts),
//!   statistics read `event_rollups` plus the log, and a background task on every replica folds
//!   the log into `event_rollups` ([`compact_pg`], `FOR UPDATE SKIP LOCKED`, exact: the rows it
//!   deletes are exactly the ones it adds).
//!
//! The statistics window is widened to whole hours (`since` down, `until` up) and the answer says
//! which window it counted.

use crate::store::{IngestEvent, KeyCount, SeriesPoint, Stats};
use std::collections::BTreeMap;

/// Width of a rollup bucket.
pub const HOUR_MS: i64 = 3_600_000;

/// Rollup kinds besides the tag kinds (`entity`, `category`, `rule`).
pub const KIND_ACTION: &str = "action";
pub const KIND_SITE: &str = "site";

/// The hour an event time falls in (times are after 2000, so positive).
pub fn hour_of(time_ms: i64) -> i64 {
    time_ms.div_euclid(HOUR_MS) * HOUR_MS
}

/// The window widened to whole hours: `since` rounded down, `until` rounded up.
pub fn snap_window(since: i64, until: i64) -> (i64, i64) {
    let s = hour_of(since);
    let u = hour_of(until);
    (s, if u < until { u + HOUR_MS } else { u })
}

/// One counter change: (kind, hour, key) → n.
pub type Deltas = BTreeMap<(String, i64, String), i64>;

/// What storing `events` adds to the rollups, summed per (kind, hour, key) and in key order
/// (one lock order for every writer).
pub fn deltas_of<'a>(events: impl IntoIterator<Item = &'a IngestEvent>) -> Deltas {
    let mut d = Deltas::new();
    for e in events {
        add_event(&mut d, e);
    }
    d
}

/// Counts one stored event into `d`.
pub fn add_event(d: &mut Deltas, e: &IngestEvent) {
    let h = hour_of(e.time_ms);
    *d.entry((KIND_ACTION.to_string(), h, e.action.clone())).or_default() += 1;
    *d.entry((KIND_SITE.to_string(), h, e.site.clone())).or_default() += 1;
    for (kind, value) in &e.tags {
        *d.entry((kind.to_string(), h, value.clone())).or_default() += 1;
    }
}

/// The rollups of the events already stored, as an INSERT into `$table`: what the migration
/// backfills, and what tests compare the maintained counters against (one text for both).
macro_rules! backfill {
    ($table:literal) => {
        concat!(
            "INSERT INTO ",
            $table,
            " (kind, hour_ms, key, n)
       SELECT 'action', (time_ms / 3600000) * 3600000, action, count(*) FROM events GROUP BY 2, 3
       UNION ALL SELECT 'site', (time_ms / 3600000) * 3600000, site, count(*) FROM events GROUP BY 2, 3
       UNION ALL SELECT kind, (time_ms / 3600000) * 3600000, value, count(*) FROM event_tags GROUP BY 1, 2, 3;"
        )
    };
}

/// The migration's backfill, into `event_rollups`.
pub const BACKFILL: &str = backfill!("event_rollups");
/// The same counts into `rollups_expected` (a table of the same shape), for checks.
pub const BACKFILL_EXPECTED: &str = backfill!("rollups_expected");

/// The schema step of issue 19 on SQLite: the rollup table backfilled from the events already
/// stored, API-managed signing keys, who uploaded each bundle, shared rate-limit buckets.
pub const SQLITE_MIGRATION: &str = concat!(
    "CREATE TABLE event_rollups (kind TEXT NOT NULL, hour_ms INTEGER NOT NULL, key TEXT NOT NULL,
       n INTEGER NOT NULL, PRIMARY KEY (kind, hour_ms, key)) WITHOUT ROWID;
     ",
    backfill!("event_rollups"),
    "
     CREATE TABLE signing_keys (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, not_before_ms INTEGER, not_after_ms INTEGER,
       added_ms INTEGER NOT NULL, added_by TEXT NOT NULL, retired_ms INTEGER);
     ALTER TABLE policies ADD COLUMN uploaded_by TEXT;
     CREATE TABLE rate_buckets (name TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_ms INTEGER NOT NULL,
       last_ok INTEGER NOT NULL) WITHOUT ROWID;"
);

/// The same step on PostgreSQL, plus the append-only rollup log that ingest and retention write.
pub const PG_MIGRATION: &str = concat!(
    "CREATE TABLE event_rollups (kind TEXT NOT NULL, hour_ms BIGINT NOT NULL, key TEXT NOT NULL,
       n BIGINT NOT NULL, PRIMARY KEY (kind, hour_ms, key));
     CREATE TABLE event_rollup_log (id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, hour_ms BIGINT NOT NULL, key TEXT NOT NULL,
       n BIGINT NOT NULL);
     ",
    backfill!("event_rollups"),
    "
     CREATE TABLE signing_keys (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, not_before_ms BIGINT, not_after_ms BIGINT,
       added_ms BIGINT NOT NULL, added_by TEXT NOT NULL, retired_ms BIGINT);
     ALTER TABLE policies ADD COLUMN uploaded_by TEXT;
     CREATE TABLE rate_buckets (name TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, updated_ms BIGINT NOT NULL,
       last_ok BOOLEAN NOT NULL);"
);

// ---------------------------------------------------------------- SQLite

/// Adds `deltas` to the rollups (inside the caller's transaction); counters that reach 0 go.
pub fn sqlite_apply(c: &rusqlite::Connection, deltas: &Deltas) -> rusqlite::Result<()> {
    let mut up = c.prepare_cached(
        "INSERT INTO event_rollups (kind, hour_ms, key, n) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, hour_ms, key) DO UPDATE SET n = n + excluded.n",
    )?;
    let mut any_negative = false;
    for ((kind, hour, key), n) in deltas {
        if *n != 0 {
            up.execute(rusqlite::params![kind, hour, key, n])?;
            any_negative |= *n < 0;
        }
    }
    if any_negative {
        let mut zero = c.prepare_cached("DELETE FROM event_rollups WHERE kind = ?1 AND hour_ms = ?2 AND key = ?3 AND n = 0")?;
        for ((kind, hour, key), n) in deltas {
            if *n < 0 {
                zero.execute(rusqlite::params![kind, hour, key])?;
            }
        }
    }
    Ok(())
}

/// Retention on SQLite: deletes at most `limit` of the oldest events before `cutoff_ms` with their
/// tags and takes them out of the rollups, all in the caller's transaction. Returns how many went.
pub fn sqlite_delete_events_before(c: &rusqlite::Connection, cutoff_ms: i64, limit: i64) -> rusqlite::Result<u64> {
    // The doomed rows are named once, so every statement below sees the same set.
    c.execute_batch("CREATE TEMP TABLE IF NOT EXISTS retention_doomed (seq INTEGER PRIMARY KEY); DELETE FROM retention_doomed;")?;
    let n = c.execute(
        "INSERT INTO retention_doomed (seq) SELECT seq FROM events WHERE time_ms < ?1 ORDER BY time_ms, seq LIMIT ?2",
        rusqlite::params![cutoff_ms, limit],
    )?;
    if n == 0 {
        return Ok(0);
    }
    let mut deltas = Deltas::new();
    {
        let mut q = c.prepare_cached(
            "SELECT 'action', (e.time_ms / 3600000) * 3600000, e.action, count(*) FROM events e JOIN retention_doomed d ON d.seq = e.seq GROUP BY 2, 3
             UNION ALL SELECT 'site', (e.time_ms / 3600000) * 3600000, e.site, count(*) FROM events e JOIN retention_doomed d ON d.seq = e.seq GROUP BY 2, 3
             UNION ALL SELECT t.kind, (t.time_ms / 3600000) * 3600000, t.value, count(*) FROM event_tags t JOIN retention_doomed d ON d.seq = t.seq GROUP BY 1, 2, 3",
        )?;
        let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?)))?;
        for row in rows {
            let (kind, hour, key, count) = row?;
            *deltas.entry((kind, hour, key)).or_default() -= count;
        }
    }
    sqlite_apply(c, &deltas)?;
    c.execute("DELETE FROM event_tags WHERE seq IN (SELECT seq FROM retention_doomed)", [])?;
    let deleted = c.execute("DELETE FROM events WHERE seq IN (SELECT seq FROM retention_doomed)", [])?;
    c.execute("DELETE FROM retention_doomed", [])?;
    Ok(deleted as u64)
}

fn sqlite_series(c: &rusqlite::Connection, kind: &str, since: i64, until: i64, bucket: i64) -> rusqlite::Result<Vec<SeriesPoint>> {
    let mut stmt = c.prepare_cached(
        "SELECT (hour_ms / ?4) * ?4 AS t, key, sum(n) FROM event_rollups WHERE kind = ?1 AND hour_ms >= ?2 AND hour_ms < ?3
         GROUP BY t, key HAVING sum(n) > 0 ORDER BY t, key",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![kind, since, until, bucket], |r| Ok(SeriesPoint { t: r.get(0)?, key: r.get(1)?, count: r.get(2)? }))?;
    rows.collect()
}

fn sqlite_tops(c: &rusqlite::Connection, kind: &str, since: i64, until: i64) -> rusqlite::Result<Vec<KeyCount>> {
    let mut stmt = c.prepare_cached(
        "SELECT key, sum(n) AS c FROM event_rollups WHERE kind = ?1 AND hour_ms >= ?2 AND hour_ms < ?3
         GROUP BY key HAVING c > 0 ORDER BY c DESC, key LIMIT 10",
    )?;
    let rows = stmt.query_map(rusqlite::params![kind, since, until], |r| Ok(KeyCount { key: r.get(0)?, count: r.get(1)? }))?;
    rows.collect()
}

/// Statistics over whole hours `[since, until)` (already snapped) from the rollups.
pub fn sqlite_stats(c: &rusqlite::Connection, since: i64, until: i64, bucket_ms: i64) -> rusqlite::Result<Stats> {
    let b = bucket_ms.max(HOUR_MS);
    let total: i64 = c.query_row(
        "SELECT COALESCE(sum(n), 0) FROM event_rollups WHERE kind = 'action' AND hour_ms >= ?1 AND hour_ms < ?2",
        rusqlite::params![since, until],
        |r| r.get(0),
    )?;
    Ok(Stats {
        total,
        by_action: sqlite_series(c, KIND_ACTION, since, until, b)?,
        by_category: sqlite_series(c, crate::store::TAG_CATEGORY, since, until, b)?,
        by_site: sqlite_series(c, KIND_SITE, since, until, b)?,
        top_detectors: sqlite_tops(c, crate::store::TAG_ENTITY, since, until)?,
        top_rules: sqlite_tops(c, crate::store::TAG_RULE, since, until)?,
        top_sites: sqlite_tops(c, KIND_SITE, since, until)?,
    })
}

// ---------------------------------------------------------------- PostgreSQL

/// Appends `deltas` to the rollup log (inside the caller's transaction): insert-only, so
/// concurrent ingest transactions never wait on each other here.
pub async fn pg_log(c: &deadpool_postgres::Transaction<'_>, deltas: &Deltas) -> Result<(), tokio_postgres::Error> {
    let (mut kinds, mut hours, mut keys, mut ns) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((kind, hour, key), n) in deltas {
        if *n != 0 {
            kinds.push(kind.as_str());
            hours.push(*hour);
            keys.push(key.as_str());
            ns.push(*n);
        }
    }
    if kinds.is_empty() {
        return Ok(());
    }
    let stmt = c
        .prepare_cached(
            "INSERT INTO event_rollup_log (kind, hour_ms, key, n) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[])",
        )
        .await?;
    c.execute(&stmt, &[&kinds, &hours, &keys, &ns]).await?;
    Ok(())
}

/// Retention on PostgreSQL in one statement (one transaction): deletes at most `limit` of the
/// oldest events before `cutoff_ms` (rows another replica is deleting are skipped), their tags,
/// and logs the counters they take back.
pub const PG_DELETE_EVENTS_BEFORE: &str = "WITH del AS (
       DELETE FROM events WHERE seq IN
         (SELECT seq FROM events WHERE time_ms < $1 ORDER BY time_ms LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING seq, time_ms, action, site),
     deltags AS (DELETE FROM event_tags WHERE seq IN (SELECT seq FROM del) RETURNING kind, value, time_ms),
     d AS (SELECT 'action' AS kind, (time_ms / 3600000) * 3600000 AS hour_ms, action AS key FROM del
           UNION ALL SELECT 'site', (time_ms / 3600000) * 3600000, site FROM del
           UNION ALL SELECT kind, (time_ms / 3600000) * 3600000, value FROM deltags),
     logged AS (INSERT INTO event_rollup_log (kind, hour_ms, key, n) SELECT kind, hour_ms, key, -count(*) FROM d GROUP BY 1, 2, 3)
   SELECT count(*) FROM del";

/// Folds up to `limit` log rows into `event_rollups` in one transaction; returns how many it
/// folded. Replicas doing it at once take disjoint rows (`SKIP LOCKED`), and upsert in key order.
pub async fn compact_pg(c: &mut deadpool_postgres::ClientWrapper, limit: i64) -> Result<u64, tokio_postgres::Error> {
    let tx = c.transaction().await?;
    let row = tx
        .query_one(
            "WITH moved AS (
               DELETE FROM event_rollup_log WHERE id IN
                 (SELECT id FROM event_rollup_log ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
               RETURNING kind, hour_ms, key, n),
             summed AS (SELECT kind, hour_ms, key, sum(n)::bigint AS n FROM moved GROUP BY 1, 2, 3),
             up AS (INSERT INTO event_rollups (kind, hour_ms, key, n) SELECT kind, hour_ms, key, n FROM summed ORDER BY 1, 2, 3
                    ON CONFLICT (kind, hour_ms, key) DO UPDATE SET n = event_rollups.n + excluded.n RETURNING n)
             SELECT (SELECT count(*) FROM moved), COALESCE((SELECT bool_or(n = 0) FROM up), false)",
            &[&limit],
        )
        .await?;
    let (moved, emptied): (i64, bool) = (row.get(0), row.get(1));
    tx.commit().await?;
    if emptied {
        // Retention emptied some counters: drop them (a separate statement sees the upserts).
        // Only those at exactly 0: with replicas folding at once, a counter's negative delta can
        // be folded before the positive one still held by another replica, and a negative row
        // must stay until that arrives.
        c.execute("DELETE FROM event_rollups WHERE n = 0", &[]).await?;
    }
    Ok(moved as u64)
}

const PG_SERIES: &str = "SELECT (hour_ms / $4) * $4 AS t, key, sum(n)::bigint FROM (
       SELECT hour_ms, key, n FROM event_rollups WHERE kind = $1 AND hour_ms >= $2 AND hour_ms < $3
       UNION ALL SELECT hour_ms, key, n FROM event_rollup_log WHERE kind = $1 AND hour_ms >= $2 AND hour_ms < $3) r
     GROUP BY 1, 2 HAVING sum(n) > 0 ORDER BY 1, 2";

const PG_TOPS: &str = "SELECT key, sum(n)::bigint AS c FROM (
       SELECT key, n FROM event_rollups WHERE kind = $1 AND hour_ms >= $2 AND hour_ms < $3
       UNION ALL SELECT key, n FROM event_rollup_log WHERE kind = $1 AND hour_ms >= $2 AND hour_ms < $3) r
     GROUP BY key HAVING sum(n) > 0 ORDER BY c DESC, key LIMIT 10";

/// Statistics over whole hours `[since, until)` from the rollups plus the log not yet folded,
/// read in one repeatable-read transaction (a fold in between cannot count a delta twice).
pub async fn pg_stats(
    c: &mut deadpool_postgres::ClientWrapper,
    since: i64,
    until: i64,
    bucket_ms: i64,
) -> Result<Stats, tokio_postgres::Error> {
    let b = bucket_ms.max(HOUR_MS);
    let tx = c.build_transaction().isolation_level(tokio_postgres::IsolationLevel::RepeatableRead).read_only(true).start().await?;
    let series = tx.prepare_cached(PG_SERIES).await?;
    let tops = tx.prepare_cached(PG_TOPS).await?;
    let s = |rows: Vec<tokio_postgres::Row>| -> Vec<SeriesPoint> {
        rows.iter().map(|r| SeriesPoint { t: r.get(0), key: r.get(1), count: r.get(2) }).collect()
    };
    let t =
        |rows: Vec<tokio_postgres::Row>| -> Vec<KeyCount> { rows.iter().map(|r| KeyCount { key: r.get(0), count: r.get(1) }).collect() };
    let by_action = s(tx.query(&series, &[&KIND_ACTION, &since, &until, &b]).await?);
    let total = by_action.iter().map(|p| p.count).sum();
    let stats = Stats {
        total,
        by_action,
        by_category: s(tx.query(&series, &[&crate::store::TAG_CATEGORY, &since, &until, &b]).await?),
        by_site: s(tx.query(&series, &[&KIND_SITE, &since, &until, &b]).await?),
        top_detectors: t(tx.query(&tops, &[&crate::store::TAG_ENTITY, &since, &until]).await?),
        top_rules: t(tx.query(&tops, &[&crate::store::TAG_RULE, &since, &until]).await?),
        top_sites: t(tx.query(&tops, &[&KIND_SITE, &since, &until]).await?),
    };
    tx.commit().await?;
    Ok(stats)
}

/// Log rows folded per compaction transaction.
pub const COMPACT_BATCH: i64 = 50_000;

/// Folds the rollup log every `every` (a no-op on SQLite); safe on every replica.
pub fn spawn_compaction(store: std::sync::Arc<dyn crate::store::Store>, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            loop {
                match store.compact_rollups(COMPACT_BATCH).await {
                    Ok(n) if n as i64 >= COMPACT_BATCH => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "statistics: folding the rollup log failed; will retry");
                        break;
                    }
                }
            }
            tokio::time::sleep(every).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_widen_to_whole_hours() {
        assert_eq!(snap_window(HOUR_MS + 1, 3 * HOUR_MS - 1), (HOUR_MS, 3 * HOUR_MS));
        assert_eq!(snap_window(HOUR_MS, 3 * HOUR_MS), (HOUR_MS, 3 * HOUR_MS));
        assert_eq!(hour_of(7_199_999), HOUR_MS);
    }

    #[test]
    fn deltas_sum_per_kind_hour_and_key() {
        let ev = |t: i64, action: &str| IngestEvent {
            event_id: "e".into(),
            time_ms: t,
            user: "u".into(),
            site: "chatgpt.com".into(),
            trigger: "paste".into(),
            action: action.into(),
            policy_version: 1,
            body: "{}".into(),
            tags: vec![("entity", "EMAIL".into()), ("rule", "r".into())],
        };
        let evs = [ev(10, "block"), ev(20, "block"), ev(HOUR_MS + 5, "warn")];
        let d = deltas_of(evs.iter());
        assert_eq!(d[&("action".to_string(), 0, "block".to_string())], 2);
        assert_eq!(d[&("action".to_string(), HOUR_MS, "warn".to_string())], 1);
        assert_eq!(d[&("entity".to_string(), 0, "EMAIL".to_string())], 2);
        assert_eq!(d[&("site".to_string(), HOUR_MS, "chatgpt.com".to_string())], 1);
        assert_eq!(d.len(), 8);
    }
}
