//! PostgreSQL side of [`ReportStore`] (see `store/reports.rs`).

use super::super::reports::{ReportStore, ReviewRow};
use super::*;

fn review_row(r: &Row) -> ReviewRow {
    ReviewRow {
        id: r.get(0),
        detector: r.get(1),
        value_hash: r.get(2),
        status: r.get(3),
        exception: r.get(4),
        created_ms: r.get(5),
        expires_ms: r.get(6),
    }
}

#[async_trait]
impl ReportStore for PgStore {
    async fn false_alarm_events(&self, limit: i64) -> Result<Vec<StoredEvent>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, received_ms, group_name, body FROM events WHERE trigger_kind = 'false_alarm_report' ORDER BY seq DESC LIMIT $1",
                &[&limit.max(1)],
            )
            .await?;
        Ok(rows.iter().map(stored_event).collect())
    }

    async fn entity_event_counts(&self) -> Result<Vec<KeyCount>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT t.value, COUNT(*) FROM event_tags t JOIN events e ON e.seq = t.seq WHERE t.kind = 'entity'
                   AND e.trigger_kind IN ('paste', 'drop', 'submit', 'file') GROUP BY t.value ORDER BY 2 DESC, 1",
                &[],
            )
            .await?;
        Ok(rows.iter().map(|r| KeyCount { key: r.get(0), count: r.get(1) }).collect())
    }

    async fn put_review(&self, row: ReviewRow) -> Result<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO false_alarm_reviews (id, detector, value_hash, status, exception, created_ms, expires_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET detector = EXCLUDED.detector, value_hash = EXCLUDED.value_hash,
                   status = EXCLUDED.status, exception = EXCLUDED.exception, created_ms = EXCLUDED.created_ms,
                   expires_ms = EXCLUDED.expires_ms",
                &[&row.id, &row.detector, &row.value_hash, &row.status, &row.exception, &row.created_ms, &row.expires_ms],
            )
            .await?;
        Ok(())
    }

    async fn reviews(&self) -> Result<Vec<ReviewRow>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, detector, value_hash, status, exception, created_ms, expires_ms FROM false_alarm_reviews ORDER BY created_ms, id",
                &[],
            )
            .await?;
        Ok(rows.iter().map(review_row).collect())
    }

    async fn delete_review(&self, id: &str) -> Result<bool> {
        Ok(self.client().await?.execute("DELETE FROM false_alarm_reviews WHERE id = $1", &[&id]).await? == 1)
    }
}
