//! SQLite side of [`ReportStore`] (see `store/reports.rs`).

use super::super::reports::{ReportStore, ReviewRow};
use super::*;

fn review_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReviewRow> {
    Ok(ReviewRow {
        id: r.get(0)?,
        detector: r.get(1)?,
        value_hash: r.get(2)?,
        status: r.get(3)?,
        exception: r.get(4)?,
        created_ms: r.get(5)?,
        expires_ms: r.get(6)?,
    })
}

#[async_trait]
impl ReportStore for SqliteStore {
    async fn false_alarm_events(&self, limit: i64) -> Result<Vec<StoredEvent>> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, received_ms, group_name, body FROM events WHERE trigger_kind = 'false_alarm_report' ORDER BY seq DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit.max(1)], stored_event)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn entity_event_counts(&self) -> Result<Vec<KeyCount>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT t.value, COUNT(*) FROM event_tags t JOIN events e ON e.seq = t.seq WHERE t.kind = 'entity'
                   AND e.trigger_kind IN ('paste', 'drop', 'submit', 'file') GROUP BY t.value ORDER BY 2 DESC, 1",
            )?;
            let rows = stmt.query_map([], |r| Ok(KeyCount { key: r.get(0)?, count: r.get(1)? }))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn put_review(&self, row: ReviewRow) -> Result<()> {
        self.write(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO false_alarm_reviews (id, detector, value_hash, status, exception, created_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![row.id, row.detector, row.value_hash, row.status, row.exception, row.created_ms, row.expires_ms],
            )?;
            Ok(())
        })
        .await
    }

    async fn reviews(&self) -> Result<Vec<ReviewRow>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, detector, value_hash, status, exception, created_ms, expires_ms FROM false_alarm_reviews ORDER BY created_ms, id",
            )?;
            let rows = stmt.query_map([], review_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await
    }

    async fn delete_review(&self, id: &str) -> Result<bool> {
        let id = id.to_string();
        self.write(move |c| Ok(c.execute("DELETE FROM false_alarm_reviews WHERE id = ?1", [id])? == 1)).await
    }
}
