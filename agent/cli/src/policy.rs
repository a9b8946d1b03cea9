//! `promptwall policy …`: the admin's tools. `init` writes the default policy, `lint` lists every
//! problem, `keygen`/`sign`/`verify` handle bundles, `test` previews decisions on sample texts and
//! runs behaviour cases.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use promptwall_detect::Engine;
use promptwall_policy::{self as pol, parse_policy, Action, CompiledPolicy, TrustedKey};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Write the built-in default policy to FILE (refuses to overwrite).
    Init { file: PathBuf },
    /// Check a policy and report every problem with its location.
    Lint { file: PathBuf },
    /// Create an Ed25519 signing key pair: KEY_ID.key (private, mode 0600) and KEY_ID.pub.
    Keygen {
        key_id: String,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Sign a policy into a bundle.
    Sign(SignArgs),
    /// Verify a bundle against trusted public keys.
    Verify(VerifyArgs),
    /// Preview decisions: run sample texts or files against a policy and a site, or run behaviour
    /// cases (a JSON array of {name, site, text, expect: {action, …}}).
    Test(TestArgs),
    /// Exact-data-match hashes of values (one per line on stdin), keyed with the tenant key
    /// (`promptwall-server admin redaction-key`), for an `exact_match` custom detector without a
    /// salt. Prints one lower-case hex hash per line; the values never leave this machine.
    EdmHash {
        /// File holding the tenant key: 64 hex characters.
        #[arg(long)]
        key_file: PathBuf,
        /// How values are normalised: email, digits or token (as in the detector spec).
        #[arg(long)]
        normalize: String,
    },
}

#[derive(Args)]
pub struct SignArgs {
    pub policy: PathBuf,
    #[arg(long)]
    pub key: PathBuf,
    #[arg(long)]
    pub key_id: String,
    /// Monotonic bundle version (must increase with each push).
    #[arg(long)]
    pub version: u64,
    /// Valid from (Unix seconds; default now).
    #[arg(long)]
    pub not_before: Option<u64>,
    /// Valid for this many days.
    #[arg(long, default_value_t = 90)]
    pub valid_days: u64,
    /// A device group this bundle is for (repeat for several). Signed into the bundle: the server
    /// refuses to publish it to another group and devices of another group refuse it.
    #[arg(long = "group", required_unless_present = "all_groups")]
    pub groups: Vec<String>,
    /// The bundle is for every group (instead of `--group`).
    #[arg(long, conflicts_with = "groups")]
    pub all_groups: bool,
    /// Approved false-alarm exceptions to sign in (the file `promptwall-server` exports:
    /// `GET /api/v1/admin/exceptions?group=G`): merged into `exceptions.findings` by id, the
    /// expired ones left out. Only what is signed reaches devices.
    #[arg(long)]
    pub exceptions: Option<PathBuf>,
    #[arg(long, short)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct VerifyArgs {
    pub bundle: PathBuf,
    /// Trusted public key as KEY_ID=FILE.pub (repeat for rotation).
    #[arg(long = "trust", required = true)]
    pub trust: Vec<String>,
    /// Version currently in force (refuse older bundles).
    #[arg(long)]
    pub current_version: Option<u64>,
}

#[derive(Args)]
pub struct TestArgs {
    /// Policy file (default: the built-in policy).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Site host the paste goes to.
    #[arg(long, default_value = "chatgpt.com")]
    pub site: String,
    #[arg(long, default_value = "")]
    pub user: String,
    #[arg(long = "group")]
    pub groups: Vec<String>,
    /// Behaviour cases file (JSON array); exits 1 if any case fails.
    #[arg(long)]
    pub cases: Option<PathBuf>,
    /// The tenant key (a file of 64 hex characters), so that the policy's value-hash finding
    /// exceptions (`exceptions.findings`) apply as on enrolled devices; pattern and site
    /// exceptions apply without it.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Texts to decide on: files or folders.
    pub paths: Vec<PathBuf>,
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn load_policy(path: &Path) -> Result<CompiledPolicy> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    parse_policy(&text).map_err(|problems| {
        anyhow::anyhow!("{}: invalid policy:\n{}", path.display(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))
    })
}

pub fn run(cmd: PolicyCommand) -> Result<ExitCode> {
    match cmd {
        PolicyCommand::Init { file } => {
            if file.exists() {
                bail!("{} exists; not overwriting", file.display());
            }
            std::fs::write(&file, pol::default_policy_json()).with_context(|| format!("{}: cannot write", file.display()))?;
            println!("wrote the default policy to {}; edit it, then `promptwall policy lint {}`", file.display(), file.display());
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Lint { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("{}: cannot read", file.display()))?;
            match parse_policy(&text) {
                Ok(p) => {
                    println!("{}: ok ({} rules, {} custom detectors)", file.display(), p.rules.len(), p.policy.custom_detectors.len());
                    Ok(ExitCode::SUCCESS)
                }
                Err(problems) => {
                    for p in &problems {
                        println!("{}: {p}", file.display());
                    }
                    println!("{} problem(s)", problems.len());
                    Ok(ExitCode::from(1))
                }
            }
        }
        PolicyCommand::Keygen { key_id, dir } => {
            let (sk, pk) = pol::generate_key().map_err(anyhow::Error::msg)?;
            let priv_path = dir.join(format!("{key_id}.key"));
            let pub_path = dir.join(format!("{key_id}.pub"));
            if priv_path.exists() {
                bail!("{} exists; not overwriting a signing key", priv_path.display());
            }
            write_private(&priv_path, &sk)?;
            std::fs::write(&pub_path, format!("{pk}\n"))?;
            println!(
                "private key: {} (keep it off the fleet)\npublic key:  {} (put it in managed configuration as trusted key `{key_id}`)",
                priv_path.display(),
                pub_path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Sign(a) => {
            load_policy(&a.policy)?;
            let mut policy: Value = serde_json::from_str(&std::fs::read_to_string(&a.policy)?)?;
            if let Some(file) = &a.exceptions {
                let text = std::fs::read_to_string(file).with_context(|| format!("{}: cannot read", file.display()))?;
                let n =
                    pol::merge_exceptions_file(&mut policy, &text, now() as i64).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                if let Err(problems) = pol::parse_policy(&policy.to_string()) {
                    let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                    anyhow::bail!("the policy with {} does not validate:\n  {}", file.display(), list.join("\n  "));
                }
                println!("{n} finding exception(s) in the policy");
            }
            let sk = std::fs::read_to_string(&a.key).with_context(|| format!("{}: cannot read key", a.key.display()))?;
            let nb = a.not_before.unwrap_or_else(now);
            let audience = if a.all_groups { vec!["*".to_string()] } else { a.groups.clone() };
            let bundle = pol::sign(&policy, a.version, nb, nb + a.valid_days * 86_400, &a.key_id, &audience, sk.trim())
                .map_err(anyhow::Error::msg)?;
            std::fs::write(&a.out, serde_json::to_string_pretty(&bundle)?)?;
            println!(
                "signed version {} with key `{}` for {} into {}",
                a.version,
                a.key_id,
                if a.all_groups { "every group".to_string() } else { format!("group(s) {}", a.groups.join(", ")) },
                a.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Verify(a) => {
            let mut trusted = Vec::new();
            for t in &a.trust {
                let (id, file) = t.split_once('=').context("--trust takes KEY_ID=FILE")?;
                let pk = std::fs::read_to_string(file).with_context(|| format!("{file}: cannot read"))?;
                trusted.push(TrustedKey { key_id: id.to_string(), public_key: pk.trim().to_string() });
            }
            let bytes = std::fs::read(&a.bundle).with_context(|| format!("{}: cannot read", a.bundle.display()))?;
            match pol::verify(&bytes, &trusted, a.current_version, now()) {
                Ok(b) => {
                    println!(
                        "{}: valid: version {}, key `{}`, groups {}, policy `{}`, expires {}",
                        a.bundle.display(),
                        b.version,
                        b.key_id,
                        b.audience.join(","),
                        b.policy.policy.name,
                        b.expires
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!("{}: refused: {e}", a.bundle.display());
                    Ok(ExitCode::from(1))
                }
            }
        }
        PolicyCommand::Test(a) => test(a),
        PolicyCommand::EdmHash { key_file, normalize } => {
            let hex = std::fs::read_to_string(&key_file).with_context(|| format!("{}: cannot read", key_file.display()))?;
            let key =
                promptwall_agent::credential::decode_key(&hex).context("the key file must hold 64 hex characters (the tenant key)")?;
            let normalize: promptwall_detect::Normalize = serde_json::from_value(Value::String(normalize.clone()))
                .map_err(|_| anyhow::anyhow!("--normalize {normalize:?}: use email, digits or token"))?;
            use std::io::BufRead;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for line in std::io::stdin().lock().lines() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                use std::io::Write;
                writeln!(out, "{}", promptwall_detect::edm_hash(&key, normalize, &line))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    writeln!(f, "{contents}")?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, format!("{contents}\n"))?;
    Ok(())
}

fn test(a: TestArgs) -> Result<ExitCode> {
    let policy = match &a.policy {
        Some(p) => load_policy(p)?,
        None => pol::default_policy(),
    };
    let engine = Engine::builder()
        .custom(policy.policy.custom_detectors.clone())
        .build()
        .context("building the engine with the policy's detectors")?;
    let key = match &a.key_file {
        Some(f) => {
            let hex = std::fs::read_to_string(f).with_context(|| format!("{}: cannot read", f.display()))?;
            promptwall_agent::credential::decode_key(&hex).context("the key file must hold 64 hex characters (the tenant key)")?
        }
        None => Vec::new(),
    };
    let decide = |text: &str, site: &str| {
        let ctx = pol::Context { host: site, user: &a.user, groups: &a.groups };
        // As the agent's decider does: findings an exception covers are dropped first.
        let (scan, excepted) = pol::apply_exceptions(&policy, text, &engine.scan(text), &key, &ctx, now() as i64);
        let mut d = pol::evaluate(&policy, text, &scan, &ctx);
        d.reasons.extend(excepted.iter().map(|id| format!("exception_applied: {id}")));
        d
    };
    let mut failed = 0;
    if let Some(cases) = &a.cases {
        let cases: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(cases)?).context("cases must be a JSON array")?;
        for c in &cases {
            let (Some(text), Some(want)) = (c["text"].as_str(), c["expect"]["action"].as_str()) else {
                bail!("each case needs `text` and `expect.action`");
            };
            let d = decide(text, c["site"].as_str().unwrap_or(&a.site));
            let ok = d.action.as_str() == want;
            failed += usize::from(!ok);
            println!(
                "{} {}: {} (expected {want}) {}",
                if ok { "ok  " } else { "FAIL" },
                c["name"].as_str().unwrap_or("?"),
                d.action.as_str(),
                d.reasons.join("; ")
            );
        }
        println!("{} passed, {failed} failed", cases.len() - failed);
    }
    for path in &a.paths {
        let mut files = Vec::new();
        collect(path, &mut files)?;
        for f in files {
            let text = String::from_utf8_lossy(&std::fs::read(&f)?).into_owned();
            let d = decide(&text, &a.site);
            println!(
                "{}: {}{}",
                f.display(),
                d.action.as_str(),
                if d.reasons.is_empty() { String::new() } else { format!(" ({})", d.reasons.join("; ")) }
            );
            if d.action != Action::Allow && !d.message.is_empty() {
                println!("    message: {}", d.message);
            }
        }
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for e in entries {
            collect(&e, out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}
