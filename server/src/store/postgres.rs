//! PostgreSQL backend, for fleets that run several stateless server replicas on one database.
//! A small connection pool (deadpool); migrations are applied under an advisory lock so replicas
//! starting together do not race. Batches are inserted with one `unnest` statement each, with
//! `ON CONFLICT DO NOTHING` giving idempotency by (device, event_id).

use super::*;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

mod reports;

const MIGRATIONS: &[&str] = &[
    "CREATE TABLE admin_tokens (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created_ms BIGINT NOT NULL);
     CREATE TABLE enrollment_tokens (token_hash TEXT PRIMARY KEY, group_name TEXT NOT NULL, uses_left BIGINT NOT NULL,
         expires_ms BIGINT NOT NULL, created_ms BIGINT NOT NULL);
     CREATE TABLE devices (device_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, group_name TEXT NOT NULL,
         hostname TEXT NOT NULL DEFAULT '', agent_version TEXT NOT NULL DEFAULT '', enrolled_ms BIGINT NOT NULL,
         last_seen_ms BIGINT, policy_version BIGINT, queue_depth BIGINT, dropped_total BIGINT,
         revoked BOOLEAN NOT NULL DEFAULT FALSE);
     CREATE TABLE policies (group_name TEXT NOT NULL, version BIGINT NOT NULL, sha256 TEXT NOT NULL, key_id TEXT NOT NULL,
         not_before BIGINT NOT NULL, expires BIGINT NOT NULL, policy_name TEXT NOT NULL, uploaded_ms BIGINT NOT NULL,
         body BYTEA NOT NULL, PRIMARY KEY (group_name, version));
     CREATE TABLE events (seq BIGSERIAL PRIMARY KEY, device_id TEXT NOT NULL, event_id TEXT NOT NULL,
         group_name TEXT NOT NULL, time_ms BIGINT NOT NULL, received_ms BIGINT NOT NULL, user_name TEXT NOT NULL,
         site TEXT NOT NULL, trigger_kind TEXT NOT NULL, action TEXT NOT NULL, policy_version BIGINT NOT NULL,
         body TEXT NOT NULL, UNIQUE (device_id, event_id));
     CREATE INDEX events_time ON events (time_ms);
     CREATE TABLE event_tags (seq BIGINT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, time_ms BIGINT NOT NULL);
     CREATE INDEX event_tags_seq ON event_tags (seq);
     CREATE INDEX event_tags_kind ON event_tags (kind, time_ms);
     CREATE TABLE forward_cursors (name TEXT PRIMARY KEY, seq BIGINT NOT NULL);",
    "ALTER TABLE devices ADD COLUMN reenroll_until_ms BIGINT;
     CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_ms BIGINT NOT NULL);",
    // The forwarder orders by the inserting transaction (see ForwardPosition); rows from before
    // this migration all committed long ago and keep xid 0. pg_current_xact_id(): PostgreSQL 13+.
    "ALTER TABLE events ADD COLUMN xid BIGINT NOT NULL DEFAULT 0;
     ALTER TABLE events ALTER COLUMN xid SET DEFAULT (pg_current_xact_id()::text::bigint);
     CREATE INDEX events_xid_seq ON events (xid, seq);
     ALTER TABLE forward_cursors ADD COLUMN xid BIGINT NOT NULL DEFAULT 0, ADD COLUMN lease_owner TEXT,
         ADD COLUMN lease_until_ms BIGINT NOT NULL DEFAULT 0;",
    // issue 19: statistics rollups (backfilled) and their log, signing keys, uploaded_by, shared
    // rate limits.
    crate::stats::PG_MIGRATION,
    // issue 18: the false-alarm loop's review decisions.
    super::reports::PG_MIGRATION,
    // issue 19: each bundle's signed audience, for the console's history.
    crate::keys::AUDIENCE_MIGRATION,
];

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

fn pool_err(e: impl std::error::Error + 'static) -> StoreError {
    // With its causes: a refused TLS certificate says why ("…: invalid peer certificate: UnknownIssuer").
    StoreError::Pool(crate::tls_client::error_chain(&e))
}

fn device_row(r: &Row) -> DeviceRow {
    DeviceRow {
        device_id: r.get(0),
        hostname: r.get(1),
        group: r.get(2),
        enrolled_ms: r.get(3),
        last_seen_ms: r.get(4),
        agent_version: r.get(5),
        policy_version: r.get(6),
        queue_depth: r.get(7),
        dropped_total: r.get(8),
        revoked: r.get(9),
    }
}

const POLICY_COLS: &str =
    "group_name, version, sha256, key_id, not_before, expires, policy_name, uploaded_ms, octet_length(body)::bigint, uploaded_by, audience";

fn policy_row(r: &Row) -> PolicyRecord {
    PolicyRecord {
        group: r.get(0),
        version: r.get(1),
        sha256: r.get(2),
        key_id: r.get(3),
        not_before: r.get(4),
        expires: r.get(5),
        policy_name: r.get(6),
        uploaded_ms: r.get(7),
        size: r.get(8),
        uploaded_by: r.get(9),
        audience: crate::keys::audience_of(r.get(10)),
        body: Vec::new(),
    }
}

fn stored_event(r: &Row) -> StoredEvent {
    StoredEvent { seq: r.get(0), received_ms: r.get(1), group: r.get(2), body: r.get(3) }
}

impl PgStore {
    /// Connects (pool of `max_conns`) and applies pending migrations.
    pub async fn connect(url: &str, max_conns: usize) -> Result<PgStore> {
        // TLS as the URL's sslmode/sslrootcert say (libpq semantics, see pg_tls).
        let (cfg, tls, _) = super::pg_tls::config(url)?;
        let mgr = Manager::from_config(cfg, tls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(mgr).max_size(max_conns.max(1)).build().map_err(pool_err)?;
        let store = PgStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        let mut c = self.pool.get().await.map_err(pool_err)?;
        c.execute("SELECT pg_advisory_lock(72616964)", &[]).await?;
        let res = async {
            c.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_ms BIGINT NOT NULL)")
                .await?;
            let version: i64 = c.query_one("SELECT COALESCE(max(version), 0) FROM schema_migrations", &[]).await?.get(0);
            let known = MIGRATIONS.len() as i64;
            if version > known {
                return Err(StoreError::TooNew { found: version, known });
            }
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                let tx = c.transaction().await?;
                tx.batch_execute(sql).await?;
                tx.execute("INSERT INTO schema_migrations (version, applied_ms) VALUES ($1, $2)", &[&((i + 1) as i64), &crate::now_ms()])
                    .await?;
                tx.commit().await?;
            }
            Ok(())
        }
        .await;
        c.execute("SELECT pg_advisory_unlock(72616964)", &[]).await?;
        res
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(pool_err)
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<()> {
        self.client().await?.query_one("SELECT 1", &[]).await?;
        Ok(())
    }

    async fn admin_token_count(&self) -> Result<i64> {
        Ok(self.client().await?.query_one("SELECT count(*) FROM admin_tokens", &[]).await?.get(0))
    }

    async fn add_admin_token(&self, token_hash: &str, name: &str, now_ms: i64) -> Result<()> {
        self.client()
            .await?
            .execute("INSERT INTO admin_tokens (token_hash, name, created_ms) VALUES ($1, $2, $3)", &[&token_hash, &name, &now_ms])
            .await?;
        Ok(())
    }

    async fn is_admin_token(&self, token_hash: &str) -> Result<bool> {
        Ok(self.client().await?.query_opt("SELECT 1 FROM admin_tokens WHERE token_hash = $1", &[&token_hash]).await?.is_some())
    }

    async fn admin_tokens(&self) -> Result<Vec<AdminTokenRow>> {
        let rows = self
            .client()
            .await?
            .query("SELECT substr(token_hash, 1, 16), name, created_ms FROM admin_tokens ORDER BY created_ms, token_hash", &[])
            .await?;
        Ok(rows.iter().map(|r| AdminTokenRow { id: r.get(0), name: r.get(1), created_ms: r.get(2) }).collect())
    }

    async fn revoke_admin_token(&self, id: &str) -> Result<RevokeAdmin> {
        if id.len() != ADMIN_TOKEN_ID_LEN {
            return Ok(RevokeAdmin::NotFound);
        }
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // Serialises revocations, so two at once cannot remove the last two tokens.
        tx.execute("LOCK TABLE admin_tokens IN SHARE ROW EXCLUSIVE MODE", &[]).await?;
        let matching: i64 = tx.query_one("SELECT count(*) FROM admin_tokens WHERE substr(token_hash, 1, 16) = $1", &[&id]).await?.get(0);
        if matching != 1 {
            return Ok(RevokeAdmin::NotFound);
        }
        let total: i64 = tx.query_one("SELECT count(*) FROM admin_tokens", &[]).await?.get(0);
        if total <= 1 {
            return Ok(RevokeAdmin::Last);
        }
        tx.execute("DELETE FROM admin_tokens WHERE substr(token_hash, 1, 16) = $1", &[&id]).await?;
        tx.commit().await?;
        Ok(RevokeAdmin::Revoked)
    }

    async fn add_enrollment_token(&self, token_hash: &str, group: &str, uses: i64, expires_ms: i64, now_ms: i64) -> Result<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO enrollment_tokens (token_hash, group_name, uses_left, expires_ms, created_ms) VALUES ($1, $2, $3, $4, $5)",
                &[&token_hash, &group, &uses, &expires_ms, &now_ms],
            )
            .await?;
        Ok(())
    }

    async fn enroll(&self, enrollment_hash: &str, d: NewDevice, now_ms: i64) -> Result<Option<Enrolled>> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let row = tx
            .query_opt(
                "SELECT group_name, uses_left, expires_ms FROM enrollment_tokens WHERE token_hash = $1 FOR UPDATE",
                &[&enrollment_hash],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let (group, uses_left, expires_ms): (String, i64, i64) = (row.get(0), row.get(1), row.get(2));
        if uses_left <= 0 || expires_ms <= now_ms {
            return Ok(None);
        }
        tx.execute("UPDATE enrollment_tokens SET uses_left = uses_left - 1 WHERE token_hash = $1", &[&enrollment_hash]).await?;
        let insert = "INSERT INTO devices (device_id, token_hash, group_name, hostname, agent_version, enrolled_ms, revoked)
                      VALUES ($1, $2, $3, $4, $5, $6, FALSE) ON CONFLICT (device_id) DO NOTHING";
        let mut device_id = d.device_id.clone();
        let mut done = tx.execute(insert, &[&device_id, &d.token_hash, &group, &d.hostname, &d.agent_version, &now_ms]).await? == 1;
        if !done {
            // The id is taken. Only an admin's allow-reenroll lets this enrollment take it over.
            done = tx
                .execute(
                    "UPDATE devices SET token_hash = $2, group_name = $3, hostname = $4, agent_version = $5, enrolled_ms = $6, revoked = FALSE,
                       reenroll_until_ms = NULL
                     WHERE device_id = $1 AND reenroll_until_ms IS NOT NULL AND reenroll_until_ms > $6",
                    &[&device_id, &d.token_hash, &group, &d.hostname, &d.agent_version, &now_ms],
                )
                .await?
                == 1;
        }
        let mut tries = 0;
        while !done {
            if tries == FRESH_ID_TRIES {
                return Err(StoreError::NoFreeId(FRESH_ID_TRIES));
            }
            tries += 1;
            device_id = fresh_device_id(&d.device_id)?;
            done = tx.execute(insert, &[&device_id, &d.token_hash, &group, &d.hostname, &d.agent_version, &now_ms]).await? == 1;
        }
        tx.commit().await?;
        Ok(Some(Enrolled { device_id, group }))
    }

    async fn allow_reenroll(&self, device_id: &str, until_ms: i64) -> Result<bool> {
        Ok(self.client().await?.execute("UPDATE devices SET reenroll_until_ms = $2 WHERE device_id = $1", &[&device_id, &until_ms]).await?
            == 1)
    }

    async fn secret(&self, name: &str, candidate: &str, now_ms: i64) -> Result<String> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO server_secrets (name, value, created_ms) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            &[&name, &candidate, &now_ms],
        )
        .await?;
        Ok(c.query_one("SELECT value FROM server_secrets WHERE name = $1", &[&name]).await?.get(0))
    }

    async fn device_auth(&self, token_hash: &str) -> Result<Option<DeviceAuth>> {
        let c = self.client().await?;
        let stmt = c.prepare_cached("SELECT device_id, group_name FROM devices WHERE token_hash = $1 AND NOT revoked").await?;
        Ok(c.query_opt(&stmt, &[&token_hash]).await?.map(|r| DeviceAuth { device_id: r.get(0), group: r.get(1) }))
    }

    async fn heartbeat(&self, device_id: &str, hb: &Heartbeat, now_ms: i64) -> Result<()> {
        self.client()
            .await?
            .execute(
                "UPDATE devices SET last_seen_ms = $2, agent_version = COALESCE($3, agent_version), hostname = COALESCE($4, hostname),
                   policy_version = COALESCE($5, policy_version), queue_depth = COALESCE($6, queue_depth),
                   dropped_total = COALESCE($7, dropped_total) WHERE device_id = $1",
                &[&device_id, &now_ms, &hb.agent_version, &hb.hostname, &hb.policy_version, &hb.queue_depth, &hb.dropped_total],
            )
            .await?;
        Ok(())
    }

    async fn revoke_device(&self, device_id: &str) -> Result<bool> {
        Ok(self.client().await?.execute("UPDATE devices SET revoked = TRUE WHERE device_id = $1", &[&device_id]).await? == 1)
    }

    async fn devices(&self) -> Result<Vec<DeviceRow>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT device_id, hostname, group_name, enrolled_ms, last_seen_ms, agent_version, policy_version, queue_depth,
                        dropped_total, revoked FROM devices ORDER BY last_seen_ms DESC NULLS LAST, device_id",
                &[],
            )
            .await?;
        Ok(rows.iter().map(device_row).collect())
    }

    async fn ingest(&self, device: &DeviceAuth, events: Vec<IngestEvent>, now_ms: i64) -> Result<IngestResult> {
        let n = events.len();
        let (mut ids, mut times, mut users, mut sites, mut triggers, mut actions, mut pvs, mut bodies) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for e in &events {
            ids.push(e.event_id.clone());
            times.push(e.time_ms);
            users.push(e.user.clone());
            sites.push(e.site.clone());
            triggers.push(e.trigger.clone());
            actions.push(e.action.clone());
            pvs.push(e.policy_version);
            bodies.push(e.body.clone());
        }
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let ins = tx
            .prepare_cached(
                "INSERT INTO events (device_id, event_id, group_name, time_ms, received_ms, user_name, site, trigger_kind, action,
                   policy_version, body)
                 SELECT $1, u.event_id, $2, u.time_ms, $3, u.user_name, u.site, u.trig, u.action, u.pv, u.body
                 FROM unnest($4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[])
                   AS u(event_id, time_ms, user_name, site, trig, action, pv, body)
                 ON CONFLICT (device_id, event_id) DO NOTHING
                 RETURNING seq, event_id",
            )
            .await?;
        let rows = tx
            .query(&ins, &[&device.device_id, &device.group, &now_ms, &ids, &times, &users, &sites, &triggers, &actions, &pvs, &bodies])
            .await?;
        let inserted: std::collections::HashMap<String, i64> = rows.iter().map(|r| (r.get::<_, String>(1), r.get::<_, i64>(0))).collect();
        let (mut t_seq, mut t_kind, mut t_value, mut t_time) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut out = IngestResult::default();
        let mut rollup = crate::stats::Deltas::new();
        for e in events {
            match inserted.get(&e.event_id) {
                Some(&seq) => {
                    crate::stats::add_event(&mut rollup, &e);
                    for (kind, value) in e.tags {
                        t_seq.push(seq);
                        t_kind.push(kind.to_string());
                        t_value.push(value);
                        t_time.push(e.time_ms);
                    }
                    out.accepted.push(e.event_id);
                }
                None => out.duplicates.push(e.event_id),
            }
        }
        if !t_seq.is_empty() {
            let tags = tx
                .prepare_cached(
                    "INSERT INTO event_tags (seq, kind, value, time_ms)
                     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])",
                )
                .await?;
            tx.execute(&tags, &[&t_seq, &t_kind, &t_value, &t_time]).await?;
        }
        // issue 19: the statistics' deltas, in the events' transaction (append-only, no waits).
        crate::stats::pg_log(&tx, &rollup).await?;
        tx.execute("UPDATE devices SET last_seen_ms = $2 WHERE device_id = $1", &[&device.device_id, &now_ms]).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn publish_policy(&self, rec: PolicyRecord) -> Result<Publish> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&rec.group]).await?;
        let current: Option<i64> = tx.query_one("SELECT max(version) FROM policies WHERE group_name = $1", &[&rec.group]).await?.get(0);
        if let Some(current) = current {
            if rec.version <= current {
                return Ok(Publish::Rollback { current });
            }
        }
        tx.execute(
            "INSERT INTO policies (group_name, version, sha256, key_id, not_before, expires, policy_name, uploaded_ms, body,
               uploaded_by, audience) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &rec.group,
                &rec.version,
                &rec.sha256,
                &rec.key_id,
                &rec.not_before,
                &rec.expires,
                &rec.policy_name,
                &rec.uploaded_ms,
                &rec.body,
                &rec.uploaded_by,
                &serde_json::to_string(&rec.audience).ok(),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Publish::Published)
    }

    async fn active_policy(&self, group: &str) -> Result<Option<PolicyRecord>> {
        let sql = format!("SELECT {POLICY_COLS}, body FROM policies WHERE group_name = $1 ORDER BY version DESC LIMIT 1");
        let row = self.client().await?.query_opt(&sql, &[&group]).await?;
        Ok(row.map(|r| {
            let mut p = policy_row(&r);
            p.body = r.get(11);
            p
        }))
    }

    async fn policy_history(&self, group: &str) -> Result<Vec<PolicyRecord>> {
        let sql = format!("SELECT {POLICY_COLS} FROM policies WHERE group_name = $1 ORDER BY version DESC");
        Ok(self.client().await?.query(&sql, &[&group]).await?.iter().map(policy_row).collect())
    }

    async fn groups(&self) -> Result<Vec<GroupRow>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT g, (SELECT max(version) FROM policies p WHERE p.group_name = g),
                        (SELECT count(*) FROM devices d WHERE d.group_name = g AND NOT d.revoked)
                 FROM (SELECT group_name AS g FROM policies UNION SELECT group_name FROM devices) AS gs ORDER BY g",
                &[],
            )
            .await?;
        Ok(rows.iter().map(|r| GroupRow { group: r.get(0), active_version: r.get(1), devices: r.get(2) }).collect())
    }

    async fn delete_events_before(&self, cutoff_ms: i64, limit: i64) -> Result<u64> {
        // One statement: events (SKIP LOCKED, so replicas running retention at once take
        // different rows), their tags, and the rollup deltas they take back (issue 19).
        let n: i64 = self.client().await?.query_one(crate::stats::PG_DELETE_EVENTS_BEFORE, &[&cutoff_ms, &limit]).await?.get(0);
        Ok(n as u64)
    }

    async fn query_events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>> {
        let (clause, params) = event_where(filter, &|n| format!("${n}"));
        let sql = format!(
            "SELECT e.seq, e.received_ms, e.group_name, e.body FROM events e {clause} ORDER BY e.seq DESC LIMIT {}",
            filter.limit.max(1)
        );
        let boxed: Vec<Box<dyn ToSql + Sync + Send>> = params
            .into_iter()
            .map(|p| -> Box<dyn ToSql + Sync + Send> {
                match p {
                    Param::I64(v) => Box::new(v),
                    Param::Str(s) => Box::new(s),
                }
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = boxed.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        let rows = self.client().await?.query(&sql, &refs).await?;
        Ok(rows.iter().map(stored_event).collect())
    }

    async fn count_events(&self) -> Result<i64> {
        Ok(self.client().await?.query_one("SELECT count(*) FROM events", &[]).await?.get(0))
    }

    async fn stats(&self, since: i64, until: i64, bucket_ms: i64) -> Result<Stats> {
        // issue 19: from the hourly rollups plus the log not yet folded, never the events table.
        let mut c = self.client().await?;
        Ok(crate::stats::pg_stats(&mut c, since, until, bucket_ms).await?)
    }

    async fn claim_cursor(&self, name: &str, owner: &str, now_ms: i64, lease_ms: i64) -> Result<Option<ForwardPosition>> {
        let c = self.client().await?;
        c.execute("INSERT INTO forward_cursors (name, seq) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING", &[&name]).await?;
        let row = c
            .query_opt(
                "UPDATE forward_cursors SET lease_owner = $2, lease_until_ms = $3 + $4
                 WHERE name = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until_ms < $3) RETURNING xid, seq",
                &[&name, &owner, &now_ms, &lease_ms],
            )
            .await?;
        Ok(row.map(|r| ForwardPosition { xid: r.get(0), seq: r.get(1) }))
    }

    async fn events_after(&self, after: ForwardPosition, limit: i64) -> Result<Vec<(ForwardPosition, StoredEvent)>> {
        // xmin of this statement's snapshot: every transaction below it has finished, so no event
        // with a smaller xid can still appear. The same statement reads the rows, so what it
        // returns is exactly what that snapshot sees.
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "SELECT xid, seq, received_ms, group_name, body FROM events
                 WHERE (xid, seq) > ($1, $2) AND xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                 ORDER BY xid, seq LIMIT $3",
            )
            .await?;
        let rows = c.query(&stmt, &[&after.xid, &after.seq, &limit]).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let e = StoredEvent { seq: r.get(1), received_ms: r.get(2), group: r.get(3), body: r.get(4) };
                (ForwardPosition { xid: r.get(0), seq: e.seq }, e)
            })
            .collect())
    }

    async fn advance_cursor(&self, name: &str, owner: &str, to: ForwardPosition) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .execute(
                "UPDATE forward_cursors SET xid = $3, seq = $4 WHERE name = $1 AND lease_owner = $2 AND (xid, seq) < ($3, $4)",
                &[&name, &owner, &to.xid, &to.seq],
            )
            .await?
            == 1)
    }

    // ---- issue 19: rollup log, signing keys (crate::keys), shared rate limits (crate::ratelimit).
    async fn compact_rollups(&self, limit: i64) -> Result<u64> {
        let mut c = self.client().await?;
        Ok(crate::stats::compact_pg(&mut c, limit).await?)
    }

    async fn add_signing_key(&self, key: &SigningKeyRow) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .execute(
                "INSERT INTO signing_keys (key_id, public_key, not_before_ms, not_after_ms, added_ms, added_by)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key_id) DO NOTHING",
                &[&key.key_id, &key.public_key, &key.not_before_ms, &key.not_after_ms, &key.added_ms, &key.added_by],
            )
            .await?
            == 1)
    }

    async fn signing_keys(&self) -> Result<Vec<SigningKeyRow>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT key_id, public_key, not_before_ms, not_after_ms, added_ms, added_by, retired_ms FROM signing_keys
                 ORDER BY added_ms, key_id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| SigningKeyRow {
                key_id: r.get(0),
                public_key: r.get(1),
                not_before_ms: r.get(2),
                not_after_ms: r.get(3),
                added_ms: r.get(4),
                added_by: r.get(5),
                retired_ms: r.get(6),
            })
            .collect())
    }

    async fn retire_signing_key(&self, key_id: &str, now_ms: i64) -> Result<bool> {
        Ok(self
            .client()
            .await?
            .execute("UPDATE signing_keys SET retired_ms = $2 WHERE key_id = $1 AND retired_ms IS NULL", &[&key_id, &now_ms])
            .await?
            == 1)
    }

    async fn rate_take(&self, name: &str, per_s: f64, burst: f64, now_ms: i64) -> Result<std::result::Result<(), u64>> {
        let c = self.client().await?;
        let stmt = c.prepare_cached(crate::ratelimit::TAKE_PG).await?;
        let per_ms = per_s / 1000.0;
        let row = c.query_one(&stmt, &[&name, &per_ms, &burst, &now_ms]).await?;
        Ok(crate::ratelimit::verdict(row.get(0), row.get(1), per_s))
    }

    async fn rate_prune(&self, before_ms: i64) -> Result<u64> {
        Ok(self.client().await?.execute("DELETE FROM rate_buckets WHERE updated_ms < $1", &[&before_ms]).await?)
    }
}
