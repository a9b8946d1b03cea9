//! Fleet load run: the real `promptwall-server` binary in its own process, and N simulated devices
//! spread over P client processes (this program re-run as `--worker`), so clients never share the
//! server's file descriptors. Phases:
//!
//! 1. **enrollment wave**: every device enrolls and fetches the group's bundle (v1);
//! 2. **steady state**: each device syncs every `--sync-s` (ETag policy poll, mostly 304, then a
//!    heartbeat with the version in force, as the agent does) and uploads `--batch` events every
//!    `--upload-s`, every `--resend-every`-th batch sent twice (as after a lost reply); an admin
//!    publishes v2 at `--publish-at-s` and every device must pick it up;
//! 3. **poll wave**: every device polls once (all 304), spread over `--poll-wave-s`, to price a
//!    fleet-wide poll in server CPU;
//! 4. **verification**: the inventory shows every device on v2, and the database holds exactly the
//!    events each device sent, each once (counted per device, ids checked against the range sent).
//!
//! Reports events/s, requests/s, p50/p99 per route, server CPU and RSS (from /proc), database size
//! per million events and the fleet's convergence time on the new bundle.
//!
//!   cargo build --release -p promptwall-server --bins --examples
//!   target/release/examples/fleet_load --devices 10000 --procs 10 [--database-url postgres://…]

use anyhow::{bail, ensure, Context, Result};
use clap::Parser;
use promptwall_server::http_client::HttpClient;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Parser, Clone)]
struct Args {
    /// Simulated devices in all.
    #[arg(long, default_value_t = 10_000)]
    devices: usize,
    /// Client processes the devices are spread over.
    #[arg(long, default_value_t = 10)]
    procs: usize,
    /// Steady-state length.
    #[arg(long, default_value_t = 150)]
    steady_s: u64,
    /// When (from the start of the steady state) the admin publishes v2.
    #[arg(long, default_value_t = 60)]
    publish_at_s: u64,
    /// Each device's sync period: policy poll (If-None-Match) then heartbeat.
    #[arg(long, default_value_t = 60)]
    sync_s: u64,
    /// Each device's upload period.
    #[arg(long, default_value_t = 20)]
    upload_s: u64,
    /// Events per upload.
    #[arg(long, default_value_t = 10)]
    batch: usize,
    /// Every K-th batch of a device is sent twice (0: never).
    #[arg(long, default_value_t = 5)]
    resend_every: usize,
    /// The poll wave's length.
    #[arg(long, default_value_t = 10)]
    poll_wave_s: u64,
    /// Concurrent enrollments per client process.
    #[arg(long, default_value_t = 32)]
    enroll_concurrency: usize,
    /// postgres://… server: a fresh database is made there (and dropped after). Default: SQLite.
    #[arg(long)]
    database_url: Option<String>,
    /// The server binary (default: `promptwall-server` beside the examples directory).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Write the report (JSON) here too.
    #[arg(long)]
    json_out: Option<PathBuf>,
    /// Keep the database (SQLite directory or PostgreSQL database) instead of removing it.
    #[arg(long)]
    keep: bool,
    // --- worker mode (internal) ---
    #[arg(long, hide = true)]
    worker: bool,
    #[arg(long, hide = true)]
    base: Option<String>,
    #[arg(long, hide = true)]
    enroll_token: Option<String>,
    #[arg(long, hide = true, default_value_t = 0)]
    first: usize,
    #[arg(long, hide = true, default_value_t = 0)]
    count: usize,
}

// ---------------------------------------------------------------- shared bits

fn raise_nofile() {
    // SAFETY: getrlimit/setrlimit with a valid, fully initialised struct.
    unsafe {
        let mut r = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 && r.rlim_cur < r.rlim_max {
            r.rlim_cur = r.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

/// xorshift64*: fixed seeds, so every run offers the same schedule.
struct Rng(u64);
impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

/// Latencies in microseconds per route, plus failures.
#[derive(Default, Clone, serde::Serialize, serde::Deserialize)]
struct Lat {
    routes: BTreeMap<String, Vec<u32>>,
    errors: BTreeMap<String, u64>,
}

impl Lat {
    fn add(&mut self, route: &str, t: Instant) {
        self.routes.entry(route.to_string()).or_default().push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
    }
    fn err(&mut self, what: String) {
        *self.errors.entry(what).or_default() += 1;
    }
    fn merge(&mut self, o: Lat) {
        for (k, v) in o.routes {
            self.routes.entry(k).or_default().extend(v);
        }
        for (k, v) in o.errors {
            *self.errors.entry(k).or_default() += v;
        }
    }
}

// ---------------------------------------------------------------- worker

struct Device {
    id: String,
    token: String,
    etag: String,
    version: u64,
    client: HttpClient,
    sent_unique: u64,
    batches: u64,
    picked_up_ms: Option<i64>,
    lat: Lat,
}

fn device_client() -> HttpClient {
    // Kept alive between a device's requests (the server's --header-timeout-s is raised to match).
    HttpClient::with_idle_timeout(Duration::from_secs(60), Duration::from_secs(120))
}

async fn poll(base: &str, d: &mut Device, route_304: &str, route_200: &str) {
    let auth = format!("Bearer {}", d.token);
    let mut h = vec![("authorization", auth.as_str())];
    if !d.etag.is_empty() {
        h.push(("if-none-match", d.etag.as_str()));
    }
    let t = Instant::now();
    match d.client.request("GET", &format!("{base}/api/v1/policy"), &h, Vec::new()).await {
        Ok(r) if r.status == 304 => d.lat.add(route_304, t),
        Ok(r) if r.status == 200 => {
            d.lat.add(route_200, t);
            let v = r.headers.get("x-policy-version").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
            d.etag = r.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            if v > d.version {
                if d.version > 0 {
                    d.picked_up_ms = Some(promptwall_server::now_ms());
                }
                d.version = v;
            }
        }
        Ok(r) => d.lat.err(format!("policy HTTP {}", r.status)),
        Err(e) => d.lat.err(format!("policy: {e}")),
    }
}

async fn heartbeat(base: &str, d: &mut Device) {
    let body = json!({"agent_version": "0.1.0-load", "hostname": format!("{}.load", d.id), "policy_version": d.version,
                      "queue_depth": 0, "dropped_total": 0});
    let t = Instant::now();
    match d.client.post_json(&format!("{base}/api/v1/heartbeat"), Some(&d.token), &body).await {
        Ok(r) if r.status == 204 => d.lat.add("heartbeat", t),
        Ok(r) => d.lat.err(format!("heartbeat HTTP {}", r.status)),
        Err(e) => d.lat.err(format!("heartbeat: {e}")),
    }
}

async fn upload(base: &str, d: &mut Device, batch: usize, resend_every: usize, t0: i64, idx: usize) {
    const SITES: [&str; 3] = ["chatgpt.com", "claude.ai", "gemini.google.com"];
    const ACTIONS: [&str; 4] = ["warn", "redact", "block", "allow"];
    let first = d.sent_unique;
    let evs: Vec<Value> = (0..batch as u64)
        .map(|k| {
            let n = first + k;
            json!({"format": 1, "event_id": format!("e{n}"), "time_ms": t0 + (n as i64 % 3600) * 1000,
                   "device_id": "", "user": format!("user{}", idx % 500), "site": SITES[n as usize % 3],
                   "trigger": "paste", "action": ACTIONS[(idx + n as usize) % 4], "rule_ids": ["secrets"],
                   "entity_counts": {"EMAIL": 1 + (n % 3) as u32}, "policy_version": d.version})
        })
        .collect();
    let body = json!({"events": evs}).to_string().into_bytes();
    // Spread over devices and time: device idx re-sends its batches b with (idx + b) % K == 0.
    let sends = if resend_every > 0 && (idx as u64 + d.batches) % resend_every as u64 == 0 { 2 } else { 1 };
    for s in 0..sends {
        let route = if s == 0 { "events" } else { "events (re-sent)" };
        let mut tries = 0;
        loop {
            tries += 1;
            let t = Instant::now();
            match d.client.post_bytes(&format!("{base}/api/v1/events"), Some(&d.token), body.clone()).await {
                Ok(r) if r.status == 200 => {
                    d.lat.add(route, t);
                    let v = r.json();
                    let acc = v["accepted"].as_array().map_or(0, Vec::len);
                    let dup = v["duplicates"].as_array().map_or(0, Vec::len);
                    let rej = v["rejected"].as_array().map_or(0, Vec::len);
                    if rej > 0 || acc + dup != batch {
                        d.lat.err(format!("events: {acc} accepted + {dup} duplicates + {rej} rejected of {batch}"));
                    }
                    if s == 1 && acc > 0 {
                        d.lat.err("events: a re-sent batch was stored again".into());
                    }
                    break;
                }
                Ok(r) if (r.status == 429 || r.status >= 500) && tries < 20 => {
                    d.lat.err(format!("events HTTP {} (retried)", r.status));
                }
                Err(e) if tries < 20 => d.lat.err(format!("events: {} (retried)", e.to_string().chars().take(80).collect::<String>())),
                Ok(r) => {
                    d.lat.err(format!("events HTTP {} (gave up)", r.status));
                    break;
                }
                Err(e) => {
                    d.lat.err(format!("events: {e} (gave up)"));
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    d.sent_unique += batch as u64;
    d.batches += 1;
}

fn say(v: Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{v}");
    let _ = out.flush();
}

async fn worker(a: Args) -> Result<()> {
    raise_nofile();
    let base = a.base.clone().context("--base")?;
    let etoken = a.enroll_token.clone().context("--enroll-token")?;
    // Commands from the coordinator, one a line (a thread: tokio's stdin is not built here).
    let (tx, mut commands) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for l in std::io::stdin().lock().lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let mut next_command = async move || commands.recv().await.unwrap_or_default();

    // 1. Enrollment wave, then the first sync (v1).
    let sem = Arc::new(tokio::sync::Semaphore::new(a.enroll_concurrency.max(1)));
    let mut tasks = Vec::new();
    for i in a.first..a.first + a.count {
        let (base, etoken, sem) = (base.clone(), etoken.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _p = sem.acquire().await;
            let client = device_client();
            let mut lat = Lat::default();
            let id = format!("load-{i:05}");
            let body = json!({"token": etoken, "device_id": id, "hostname": format!("{id}.load"), "agent_version": "0.1.0-load"});
            let mut tries = 0;
            let token = loop {
                tries += 1;
                let t = Instant::now();
                match client.post_json(&format!("{base}/api/v1/enroll"), None, &body).await {
                    Ok(r) if r.status == 201 => {
                        lat.add("enroll", t);
                        let v = r.json();
                        ensure!(v["device_id"] == id.as_str(), "enrolled as {} instead of {id}", v["device_id"]);
                        break v["device_token"].as_str().unwrap_or_default().to_string();
                    }
                    Ok(r) if tries < 10 && (r.status == 429 || r.status >= 500) => lat.err(format!("enroll HTTP {} (retried)", r.status)),
                    Err(e) if tries < 10 => lat.err(format!("enroll: {e} (retried)")),
                    Ok(r) => bail!("enroll {id}: HTTP {} {}", r.status, r.text()),
                    Err(e) => bail!("enroll {id}: {e}"),
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            };
            let mut d = Device { id, token, etag: String::new(), version: 0, client, sent_unique: 0, batches: 0, picked_up_ms: None, lat };
            poll(&base, &mut d, "policy (304)", "policy (200, first)").await;
            heartbeat(&base, &mut d).await;
            Ok(d)
        }));
    }
    let mut devices: Vec<Device> = Vec::new();
    let mut enroll_lat = Lat::default();
    for t in tasks {
        let mut d = t.await??;
        enroll_lat.merge(std::mem::take(&mut d.lat));
        devices.push(d);
    }
    say(json!({"ready": devices.len(), "lat": enroll_lat}));

    // 2. Steady state until STOP.
    let line = next_command().await;
    ensure!(line.trim() == "GO", "expected GO, got {line:?}");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let t0 = promptwall_server::now_ms() - 3_600_000;
    let mut tasks = Vec::new();
    for (k, mut d) in devices.into_iter().enumerate() {
        let idx = a.first + k;
        let (base, mut stop) = (base.clone(), stop_rx.clone());
        let (sync, up, batch, resend) = (Duration::from_secs(a.sync_s), Duration::from_secs(a.upload_s), a.batch, a.resend_every);
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(idx as u64 + 1);
            let start = tokio::time::Instant::now();
            let mut next_sync = start + Duration::from_millis(rng.below(sync.as_millis() as u64));
            let mut next_up = start + Duration::from_millis(rng.below(up.as_millis() as u64));
            loop {
                let next = next_sync.min(next_up);
                tokio::select! {
                    _ = tokio::time::sleep_until(next) => {}
                    _ = stop.changed() => break,
                }
                let now = tokio::time::Instant::now();
                if now >= next_sync {
                    poll(&base, &mut d, "policy (304)", "policy (200, new bundle)").await;
                    heartbeat(&base, &mut d).await;
                    next_sync += sync;
                }
                if now >= next_up {
                    upload(&base, &mut d, batch, resend, t0, idx).await;
                    next_up += up;
                }
            }
            d
        }));
    }
    let line = next_command().await;
    ensure!(line.trim() == "STOP", "expected STOP, got {line:?}");
    let _ = stop_tx.send(true);
    let mut devices = Vec::new();
    for t in tasks {
        devices.push(t.await?);
    }
    let mut lat = Lat::default();
    let mut per_device = Vec::new();
    for d in &mut devices {
        lat.merge(std::mem::take(&mut d.lat));
        per_device.push(json!([d.id, d.sent_unique, d.version, d.picked_up_ms]));
    }
    say(json!({"steady": lat, "devices": per_device}));

    // 3. Poll wave: each device polls once, spread over the wave.
    let line = next_command().await;
    ensure!(line.trim() == "POLLS", "expected POLLS, got {line:?}");
    let wave = Duration::from_secs(a.poll_wave_s);
    let mut tasks = Vec::new();
    for (k, mut d) in devices.into_iter().enumerate() {
        let base = base.clone();
        let offset = Duration::from_micros(wave.as_micros() as u64 * k as u64 / a.count.max(1) as u64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            poll(&base, &mut d, "policy (poll wave, 304)", "policy (poll wave, 200)").await;
            d.lat
        }));
    }
    let mut lat = Lat::default();
    for t in tasks {
        lat.merge(t.await?);
    }
    say(json!({"polls": lat}));
    Ok(())
}

// ---------------------------------------------------------------- coordinator

/// CPU ticks (user + system) and resident set of a process, from /proc.
fn proc_sample(pid: u32) -> Option<(u64, u64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |key: &str| {
        status.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse::<u64>().ok())
    };
    Some((ticks, kb("VmRSS:")?, kb("VmHWM:")?))
}

fn clk_tck() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as f64
    } else {
        100.0
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// Busy fraction of all CPUs since the previous call (from /proc/stat).
fn machine_busy(prev: &mut (u64, u64)) -> f64 {
    let s = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let v: Vec<u64> = s.lines().next().unwrap_or("").split_whitespace().skip(1).filter_map(|x| x.parse().ok()).collect();
    let total: u64 = v.iter().sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    let (dt, di) = (total.saturating_sub(prev.0), idle.saturating_sub(prev.1));
    *prev = (total, idle);
    if dt == 0 {
        0.0
    } else {
        1.0 - di as f64 / dt as f64
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Worker {
    fn send(&mut self, cmd: &str) -> Result<()> {
        writeln!(self.stdin, "{cmd}")?;
        self.stdin.flush()?;
        Ok(())
    }
    fn recv(&mut self, timeout: Duration) -> Result<Value> {
        let l = self.lines.recv_timeout(timeout).context("a client process did not answer (see its stderr)")?;
        serde_json::from_str(&l).with_context(|| format!("client process said {l:?}"))
    }
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    /// A run that fails half-way leaves no server behind (the client processes exit when their
    /// stdin closes).
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn start_server(bin: &Path, data: &Path, key: &Path, db: Option<&str>) -> Result<Server> {
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .arg("--trusted-key")
        .arg(format!("load={}", key.display()))
        .args(["--enroll-rate", "1000000", "--max-connections", "19000", "--max-connections-per-ip", "19000"])
        // Devices keep their connection between requests (sync and uploads come every few seconds).
        .args(["--header-timeout-s", "120", "--pg-pool", "32"])
        .env("PROMPTWALL_LOG", std::env::var("PROMPTWALL_LOG").unwrap_or_else(|_| "warn".into()))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(u) = db {
        cmd.args(["--database-url", u]);
    }
    let mut child = cmd.spawn().with_context(|| format!("starting {}", bin.display()))?;
    let out = child.stdout.take().context("server stdout")?;
    let mut rd = std::io::BufReader::new(out);
    let mut line = String::new();
    loop {
        line.clear();
        if rd.read_line(&mut line)? == 0 {
            bail!("the server exited before listening");
        }
        if let Some(i) = line.find("listening on ") {
            let url = line[i + 13..].split_whitespace().next().unwrap_or_default().to_string();
            std::thread::spawn(move || std::io::copy(&mut rd, &mut std::io::sink()));
            return Ok(Server { child, base: url });
        }
    }
}

async fn fresh_pg(base: &str) -> Result<(String, String)> {
    let db = format!("pw_fleet_{}", std::process::id());
    let c = promptwall_server::store::pg_tls::connect_one(base).await?;
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).await?;
    c.batch_execute(&format!("CREATE DATABASE {db}")).await?;
    // The query may hold paths (sslrootcert=/…): split it off first.
    let (url, query) = base.split_once('?').map_or((base, String::new()), |(u, q)| (u, format!("?{q}")));
    let (head, _) = url.rsplit_once('/').filter(|(h, _)| h.contains("//") && !h.ends_with('/')).context("URL without a database part")?;
    Ok((format!("{head}/{db}{query}"), db))
}

fn summary(lat: &mut Lat, wall_s: f64) -> Value {
    let mut routes = serde_json::Map::new();
    let mut total = 0usize;
    for (k, v) in lat.routes.iter_mut() {
        v.sort_unstable();
        total += v.len();
        routes.insert(
            k.clone(),
            json!({"requests": v.len(), "per_s": (v.len() as f64 / wall_s * 10.0).round() / 10.0,
                   "p50_ms": pct(v, 0.5), "p99_ms": pct(v, 0.99), "max_ms": pct(v, 1.0)}),
        );
    }
    json!({"requests": total, "requests_per_s": (total as f64 / wall_s).round(), "routes": routes, "errors": lat.errors})
}

fn print_routes(title: &str, s: &Value) {
    println!("  {title}: {} requests, {} req/s", s["requests"], s["requests_per_s"]);
    if let Some(r) = s["routes"].as_object() {
        for (k, v) in r {
            println!(
                "    {k:<28} {:>8} req {:>8.1}/s  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
                v["requests"],
                v["per_s"].as_f64().unwrap_or(0.0),
                v["p50_ms"].as_f64().unwrap_or(0.0),
                v["p99_ms"].as_f64().unwrap_or(0.0),
                v["max_ms"].as_f64().unwrap_or(0.0)
            );
        }
    }
    if let Some(e) = s["errors"].as_object().filter(|e| !e.is_empty()) {
        println!("    errors/retries: {}", Value::Object(e.clone()));
    }
}

#[derive(Default)]
struct Samples {
    peak_rss_kb: u64,
    rss_kb: Vec<u64>,
    busy: Vec<f64>,
}

async fn coordinator(a: Args) -> Result<()> {
    raise_nofile();
    ensure!(a.devices > 0 && a.procs > 0 && a.procs <= a.devices, "--devices and --procs must be above 0, procs ≤ devices");
    ensure!(a.publish_at_s < a.steady_s, "--publish-at-s must fall inside --steady-s");
    let exe = std::env::current_exe()?;
    let bin = match &a.server_bin {
        Some(b) => b.clone(),
        None => exe.parent().and_then(Path::parent).context("exe path")?.join("promptwall-server"),
    };
    ensure!(bin.exists(), "{} not found: cargo build [--release] -p promptwall-server --bins --examples", bin.display());
    let dir = std::env::temp_dir().join(format!("pw-fleet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let (sk, pk) = promptwall_policy::generate_key().map_err(|e| anyhow::anyhow!("keygen: {e}"))?;
    let key_file = dir.join("load.pub");
    std::fs::write(&key_file, &pk)?;
    let bundle = |version: u64| -> Result<Vec<u8>> {
        let policy: Value = serde_json::from_str(promptwall_policy::default_policy_json())?;
        let now = promptwall_server::now_ms() as u64 / 1000;
        let b = promptwall_policy::sign(&policy, version, now - 60, now + 86_400, "load", &["fleet".to_string()], &sk)
            .map_err(|e| anyhow::anyhow!("sign: {e}"))?;
        Ok(serde_json::to_vec(&b)?)
    };
    let mut pg = None;
    if let Some(u) = &a.database_url {
        pg = Some(fresh_pg(u).await?);
    }
    let backend = if pg.is_some() { "postgresql" } else { "sqlite" };
    let data = dir.join("data");
    let mut server = start_server(&bin, &data, &key_file, pg.as_ref().map(|p| p.0.as_str()))?;
    let pid = server.child.id();
    let base = server.base.clone();
    let admin = std::fs::read_to_string(data.join("initial-admin-token"))?.trim().to_string();
    let http = HttpClient::new(Duration::from_secs(120));
    let r = http.post_bytes(&format!("{base}/api/v1/admin/policies/fleet"), Some(&admin), bundle(1)?).await?;
    ensure!(r.status == 201 || r.status == 200, "publishing v1: HTTP {} {}", r.status, r.text());
    let r = http
        .post_json(&format!("{base}/api/v1/admin/enrollment-tokens"), Some(&admin), &json!({"group": "fleet", "uses": a.devices}))
        .await?;
    let etoken = r.json()["token"].as_str().context("enrollment token")?.to_string();

    // /proc sampling of the server, once a second.
    let samples = Arc::new(Mutex::new(Samples::default()));
    let sampler = {
        let samples = samples.clone();
        tokio::spawn(async move {
            let mut prev = (0, 0);
            machine_busy(&mut prev);
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let busy = machine_busy(&mut prev);
                if let Some((_, rss, hwm)) = proc_sample(pid) {
                    let mut s = samples.lock().unwrap_or_else(|e| e.into_inner());
                    s.rss_kb.push(rss);
                    s.peak_rss_kb = s.peak_rss_kb.max(hwm);
                    s.busy.push(busy);
                }
            }
        })
    };
    let cpu = || proc_sample(pid).map(|s| s.0 as f64 / clk_tck()).unwrap_or(0.0);
    let rss_now = || proc_sample(pid).map(|s| s.1).unwrap_or(0);
    println!(
        "fleet_load backend={backend} devices={} procs={} sync_s={} upload_s={} batch={} resend_every={} steady_s={} load_avg_before=[{}]",
        a.devices,
        a.procs,
        a.sync_s,
        a.upload_s,
        a.batch,
        a.resend_every,
        a.steady_s,
        loadavg()
    );

    // Spawn the client processes.
    let t_enroll = Instant::now();
    let cpu0 = cpu();
    let mut workers = Vec::new();
    for p in 0..a.procs {
        let first = a.devices * p / a.procs;
        let count = a.devices * (p + 1) / a.procs - first;
        let mut child = Command::new(&exe)
            .arg("--worker")
            .args(["--base", &base, "--enroll-token", &etoken])
            .args(["--first", &first.to_string(), "--count", &count.to_string()])
            .args(["--sync-s", &a.sync_s.to_string(), "--upload-s", &a.upload_s.to_string(), "--batch", &a.batch.to_string()])
            .args(["--resend-every", &a.resend_every.to_string(), "--poll-wave-s", &a.poll_wave_s.to_string()])
            .args(["--enroll-concurrency", &a.enroll_concurrency.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take().context("stdin")?;
        let out = child.stdout.take().context("stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        workers.push(Worker { child, stdin, lines: rx });
    }
    let long = Duration::from_secs(600);
    let mut enroll_lat = Lat::default();
    for w in &mut workers {
        let v = w.recv(long)?;
        ensure!(v["ready"].as_u64().is_some(), "client process: {v}");
        enroll_lat.merge(serde_json::from_value(v["lat"].clone())?);
    }
    let enroll_s = t_enroll.elapsed().as_secs_f64();
    let enroll_cpu = cpu() - cpu0;
    let enroll = summary(&mut enroll_lat, enroll_s);
    println!(
        "  enrollment wave: {} devices enrolled and synced v1 in {enroll_s:.1} s ({:.0} enrollments/s), server CPU {enroll_cpu:.1} s, load avg [{}]",
        a.devices,
        a.devices as f64 / enroll_s,
        loadavg()
    );
    print_routes("enrollment routes", &enroll);

    // Steady state with a publish.
    for w in &mut workers {
        w.send("GO")?;
    }
    let t_steady = Instant::now();
    let cpu1 = cpu();
    samples.lock().unwrap_or_else(|e| e.into_inner()).busy.clear();
    tokio::time::sleep(Duration::from_secs(a.publish_at_s)).await;
    let published_ms = promptwall_server::now_ms();
    let t = Instant::now();
    let r = http.post_bytes(&format!("{base}/api/v1/admin/policies/fleet"), Some(&admin), bundle(2)?).await?;
    ensure!(r.status == 201 || r.status == 200, "publishing v2: HTTP {} {}", r.status, r.text());
    let publish_ms = t.elapsed().as_secs_f64() * 1000.0;
    tokio::time::sleep(Duration::from_secs(a.steady_s - a.publish_at_s)).await;
    for w in &mut workers {
        w.send("STOP")?;
    }
    let mut lat = Lat::default();
    let mut per_device: Vec<(String, u64, u64, Option<i64>)> = Vec::new();
    for w in &mut workers {
        let v = w.recv(long)?;
        lat.merge(serde_json::from_value(v["steady"].clone())?);
        for d in v["devices"].as_array().context("devices")? {
            per_device.push((
                d[0].as_str().unwrap_or("").to_string(),
                d[1].as_u64().unwrap_or(0),
                d[2].as_u64().unwrap_or(0),
                d[3].as_i64(),
            ));
        }
    }
    let steady_wall = t_steady.elapsed().as_secs_f64();
    let steady_cpu = cpu() - cpu1;
    let load_steady = loadavg();
    let (busy_avg, rss_steady) = {
        let s = samples.lock().unwrap_or_else(|e| e.into_inner());
        (s.busy.iter().sum::<f64>() / s.busy.len().max(1) as f64, s.rss_kb.last().copied().unwrap_or(0))
    };
    let unique: u64 = per_device.iter().map(|d| d.1).sum();
    let resent = lat.routes.get("events (re-sent)").map_or(0, Vec::len);
    let mut steady = summary(&mut lat, steady_wall);
    let not_converged = per_device.iter().filter(|d| d.2 != 2).count();
    let convergence_s = per_device.iter().filter_map(|d| d.3).max().map(|m| (m - published_ms) as f64 / 1000.0);

    // Poll wave.
    let cpu2 = cpu();
    let t_wave = Instant::now();
    for w in &mut workers {
        w.send("POLLS")?;
    }
    let mut wave_lat = Lat::default();
    for w in &mut workers {
        let v = w.recv(long)?;
        wave_lat.merge(serde_json::from_value(v["polls"].clone())?);
    }
    let wave_wall = t_wave.elapsed().as_secs_f64();
    let wave_cpu = cpu() - cpu2;
    let wave = summary(&mut wave_lat, wave_wall);
    for mut w in workers {
        let _ = w.child.wait();
    }

    // The inventory: every device on v2.
    let r = http.get(&format!("{base}/api/v1/admin/devices"), Some(&admin)).await?;
    let inv = r.json();
    let inv_devices = inv["devices"].as_array().map(Vec::as_slice).unwrap_or_default();
    let inv_on_v2 = inv_devices.iter().filter(|d| d["policy_version"] == 2).count();
    let rss_end = rss_now();
    let server_cpu_total = cpu();
    let peak_rss = samples.lock().unwrap_or_else(|e| e.into_inner()).peak_rss_kb;
    sampler.abort();
    // SAFETY: kill with a pid of our own child and a valid signal number.
    unsafe {
        libc::kill(server.child.id() as i32, libc::SIGTERM);
    }
    let status = server.child.wait()?;
    ensure!(status.success(), "the server exited with {status}");

    // The database: per device, exactly the ids sent, each once.
    let expected: BTreeMap<String, u64> = per_device.iter().map(|d| (d.0.clone(), d.1)).collect();
    let (rows, db_bytes): (Vec<(String, i64, i64, i64)>, u64) = match &pg {
        Some((url, _)) => {
            let c = promptwall_server::store::pg_tls::connect_one(url).await?;
            let rows = c
                .query(
                    "SELECT device_id, count(*), count(DISTINCT event_id), max(substr(event_id, 2)::bigint) FROM events GROUP BY device_id",
                    &[],
                )
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
                .collect();
            let size: i64 = c.query_one("SELECT pg_database_size(current_database())", &[]).await?.get(0);
            (rows, size as u64)
        }
        None => {
            let db = data.join("promptwall.db");
            let c = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            let mut st = c.prepare(
                "SELECT device_id, count(*), count(DISTINCT event_id), max(CAST(substr(event_id, 2) AS INTEGER)) FROM events GROUP BY device_id",
            )?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<Vec<_>, _>>()?;
            let size = std::fs::metadata(&db)?.len() + std::fs::metadata(data.join("promptwall.db-wal")).map(|m| m.len()).unwrap_or(0);
            (rows, size)
        }
    };
    let stored: i64 = rows.iter().map(|r| r.1).sum();
    let mut bad = Vec::new();
    for (dev, n, distinct, max) in &rows {
        let want = expected.get(dev).copied().unwrap_or(0) as i64;
        if *n != want || *distinct != *n || *max != want - 1 {
            bad.push(format!("{dev}: {n} stored ({distinct} distinct, max id e{max}), sent {want}"));
        }
    }
    let with_events = rows.len();
    let senders = expected.values().filter(|v| **v > 0).count();
    if with_events != senders {
        bad.push(format!("{with_events} devices have events stored, {senders} sent some"));
    }

    // Report.
    let events_per_s = unique as f64 / steady_wall;
    let mb_per_million = db_bytes as f64 / 1_048_576.0 / (stored.max(1) as f64 / 1e6);
    println!(
        "  steady state: {steady_wall:.1} s, {unique} unique events ({events_per_s:.0} events/s) in {} uploads + {resent} re-sent, server CPU {steady_cpu:.1} s ({:.2} cores), machine busy {:.0} %, load avg [{load_steady}], server RSS {} MiB",
        lat_count(&steady, "events"),
        steady_cpu / steady_wall,
        busy_avg * 100.0,
        rss_steady / 1024
    );
    print_routes("steady-state routes", &steady);
    println!(
        "  publish: v2 accepted in {publish_ms:.1} ms; {} of {} devices picked it up, the last {} after the publish (sync period {} s); inventory: {inv_on_v2} of {} devices report v2",
        a.devices - not_converged,
        a.devices,
        convergence_s.map_or("never".to_string(), |s| format!("{s:.1} s")),
        a.sync_s,
        inv_devices.len()
    );
    println!(
        "  poll wave: {} polls in {wave_wall:.1} s, server CPU {wave_cpu:.2} s = {:.3} CPU-seconds per 10,000 polls",
        wave["requests"],
        wave_cpu / (wave["requests"].as_f64().unwrap_or(1.0) / 10_000.0)
    );
    print_routes("poll wave", &wave);
    println!(
        "  server: CPU {server_cpu_total:.1} s in all, peak RSS {} MiB, RSS at the end {} MiB; database {:.1} MiB for {stored} events = {mb_per_million:.0} MiB per million events",
        peak_rss / 1024,
        rss_end / 1024,
        db_bytes as f64 / 1_048_576.0
    );
    println!("  verification: stored {stored}, sent {unique} unique; {} devices with a mismatch", bad.len());
    steady["events_per_s"] = json!(events_per_s.round());
    let report = json!({
        "backend": backend, "devices": a.devices, "procs": a.procs, "sync_s": a.sync_s, "upload_s": a.upload_s, "batch": a.batch,
        "enroll": {"seconds": enroll_s, "server_cpu_s": enroll_cpu, "routes": enroll},
        "steady": steady, "steady_wall_s": steady_wall, "unique_events": unique, "stored": stored, "server_cpu_s": steady_cpu,
        "machine_busy": busy_avg, "load_avg": load_steady, "publish_ms": publish_ms, "convergence_s": convergence_s,
        "not_converged": not_converged, "inventory_on_v2": inv_on_v2, "poll_wave": wave, "poll_wave_cpu_s": wave_cpu,
        "peak_rss_mib": peak_rss / 1024, "db_bytes": db_bytes, "mib_per_million_events": mb_per_million, "mismatches": bad.len(),
    });
    if let Some(p) = &a.json_out {
        std::fs::write(p, serde_json::to_vec_pretty(&report)?)?;
    }
    if let Some((_, db)) = &pg {
        if !a.keep {
            if let Ok(c) = promptwall_server::store::pg_tls::connect_one(a.database_url.as_deref().unwrap_or_default()).await {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).await;
            }
        }
    }
    if !a.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    for b in bad.iter().take(10) {
        eprintln!("MISMATCH {b}");
    }
    let errors = steady["errors"].as_object().map_or(0, |e| e.keys().filter(|k| !k.contains("(retried)")).count());
    ensure!(bad.is_empty() && stored as u64 == unique, "events lost or stored twice");
    ensure!(not_converged == 0 && inv_on_v2 == a.devices, "{not_converged} devices did not pick up v2 (inventory: {inv_on_v2} on v2)");
    ensure!(errors == 0, "failed requests: {}", steady["errors"]);
    println!("fleet_load backend={backend} OK: every event stored exactly once, every device on the new bundle");
    Ok(())
}

fn lat_count(s: &Value, route: &str) -> u64 {
    s["routes"][route]["requests"].as_u64().unwrap_or(0)
}

fn main() -> Result<()> {
    let a = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(if a.worker { 1 } else { 2 }).enable_all().build()?;
    if a.worker {
        rt.block_on(worker(a))
    } else {
        rt.block_on(coordinator(a))
    }
}
