//! The daemon's watch of its configuration file and local policy override (`notify`): on a
//! change, the configuration is reloaded (sync intervals, trusted keys, batch size take effect at
//! the loops' next turn) and the override policy is reloaded and swapped in. A file that no longer
//! parses is refused with a log line and the old one stays in force; a deleted override file
//! returns to the synced bundle (or the built-in policy). The log format and filter are fixed at
//! start. Parent directories are watched, so editors' and installers' rename-into-place is seen.
//!
//! Only content changes reload: access events (which reading the files raises, and which once
//! made the daemon reload its override five times a second, forever) are ignored, and a change
//! event whose files hash the same as at the last load (`touch`, a rewrite with the same bytes)
//! changes nothing.

use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc, RwLock};
use std::time::Duration;

use crate::config::AgentConfig;
use promptwall_agent::policy_cell::{load_override, PolicyCell};

pub struct Reloader {
    pub config_path: PathBuf,
    /// `--policy` / `PROMPTWALL_POLICY`, which win over the configuration's override.
    pub cli_override: Option<PathBuf>,
    pub config: Arc<RwLock<AgentConfig>>,
    pub cell: Arc<PolicyCell>,
    /// Hash of the watched files' contents at the last load (`None` until the first).
    pub loaded: std::sync::Mutex<Option<String>>,
}

/// What the watched files hold now (path and bytes of each; a missing file counts as such).
fn fingerprint(files: &[PathBuf]) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update([0]);
        match std::fs::read(f) {
            Ok(b) => {
                h.update([1]);
                h.update((b.len() as u64).to_le_bytes());
                h.update(&b);
            }
            Err(_) => h.update([2]),
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Reloader {
    fn watched(&self) -> Vec<PathBuf> {
        let cfg = self.config.read().unwrap_or_else(|p| p.into_inner());
        let mut files = vec![self.config_path.clone()];
        files.extend(cfg.override_policy(self.cli_override.as_ref()));
        files
    }

    /// Notes what the files hold at start, so that later events without a content change are
    /// ignored.
    pub fn mark_loaded(&self) {
        *self.loaded.lock().unwrap_or_else(|p| p.into_inner()) = Some(fingerprint(&self.watched()));
    }

    /// Reloads configuration and override when their contents changed since the last load;
    /// returns whether it did.
    pub fn reload_if_changed(&self) -> bool {
        let now = fingerprint(&self.watched());
        {
            let mut last = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
            if last.as_deref() == Some(now.as_str()) {
                return false;
            }
            *last = Some(now);
        }
        self.reload();
        // The configuration may have named another override file: note its contents too.
        self.mark_loaded();
        true
    }

    /// Reloads configuration and override.
    pub fn reload(&self) {
        match AgentConfig::load_from(&self.config_path) {
            Ok(new) => {
                let mut cfg = self.config.write().unwrap_or_else(|p| p.into_inner());
                if *cfg != new {
                    tracing::info!(path = %self.config_path.display(), "configuration reloaded");
                    *cfg = new;
                }
            }
            Err(e) => tracing::error!(error = %format!("{e:#}"), "configuration change refused; the previous one stays in force"),
        }
        let over = self.config.read().unwrap_or_else(|p| p.into_inner()).override_policy(self.cli_override.as_ref());
        match over {
            None => self.cell.set_override(None),
            Some(p) if !p.exists() => {
                tracing::info!(path = %p.display(), "policy override file is gone; back to the synced policy");
                self.cell.set_override(None);
            }
            Some(p) => match load_override(&p) {
                Ok(l) => {
                    tracing::info!(path = %p.display(), "policy override reloaded");
                    self.cell.set_override(Some(Arc::new(l)));
                }
                Err(e) => tracing::error!(error = %format!("{e:#}"), "policy override change refused; the previous policy stays in force"),
            },
        }
    }
}

/// Watches until `stop`; runs on its own thread.
pub fn watch_loop(r: Reloader, stop: Arc<AtomicBool>) {
    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            // Reading a file (our own reload included) raises access events: never a change.
            if !matches!(ev.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(ev.paths);
            }
        }
    }) {
        Ok(w) => w,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch configuration files; changes need a restart");
            return;
        }
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut rewatch = |watcher: &mut notify::RecommendedWatcher, files: &[PathBuf]| {
        for f in files {
            let dir = f.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
            if dirs.contains(&dir) {
                continue;
            }
            match watcher.watch(&dir, RecursiveMode::NonRecursive) {
                Ok(()) => dirs.push(dir),
                Err(e) => tracing::debug!(dir = %dir.display(), error = %e, "not watched"),
            }
        }
    };
    rewatch(&mut watcher, &r.watched());
    r.mark_loaded();
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let paths = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(p) => p,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let files = r.watched();
        let names: Vec<_> = files.iter().filter_map(|f| f.file_name()).collect();
        if !paths.iter().any(|p| p.file_name().is_some_and(|n| names.contains(&n))) {
            continue;
        }
        // Let a burst of writes (truncate, write, rename) settle, then read once.
        std::thread::sleep(Duration::from_millis(150));
        while rx.try_recv().is_ok() {}
        if r.reload_if_changed() {
            rewatch(&mut watcher, &r.watched());
        }
    }
}
