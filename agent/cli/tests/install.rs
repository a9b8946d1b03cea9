//! `promptwall install/uninstall/doctor` for real on Linux, in a temporary HOME and under a
//! `--root` (never the real system), and the generated macOS/Windows outputs against golden files
//! in installer/golden/ (regenerate with `UPDATE_GOLDEN=1 cargo test -p promptwall --test install`).

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BROWSER_DIRS: [&str; 5] = [
    ".config/google-chrome/NativeMessagingHosts",
    ".config/chromium/NativeMessagingHosts",
    ".config/microsoft-edge/NativeMessagingHosts",
    ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    ".mozilla/native-messaging-hosts",
];
const SYSTEM_DIRS: [&str; 5] = [
    "etc/opt/chrome/native-messaging-hosts",
    "etc/chromium/native-messaging-hosts",
    "etc/opt/edge/native-messaging-hosts",
    "etc/opt/brave/native-messaging-hosts",
    "usr/lib/mozilla/native-messaging-hosts",
];

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("promptwall-install-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The binary with a clean environment pointing at `home` (nothing of the real user's leaks in).
fn pw(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_promptwall"));
    c.env_clear().env("HOME", home).env("PATH", "/usr/bin:/bin").env("PROMPTWALL_RUNTIME_DIR", home.join("run"));
    c
}

fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn ok(c: &mut Command) -> String {
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    out
}

/// Every file and symlink under `d`, relative, sorted.
fn files(d: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut v = Vec::new();
    walk(d, d, &mut v);
    v.sort();
    v
}

fn dirs(d: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            if e.file_type().unwrap().is_dir() {
                out.push(e.path().strip_prefix(base).unwrap().display().to_string());
                walk(base, &e.path(), out);
            }
        }
    }
    let mut v = Vec::new();
    walk(d, d, &mut v);
    v.sort();
    v
}

fn frame(v: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(v).unwrap();
    let mut out = (body.len() as u32).to_ne_bytes().to_vec();
    out.extend(body);
    out
}

fn read_frames(mut bytes: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    while bytes.len() >= 4 {
        let n = u32::from_ne_bytes(bytes[..4].try_into().unwrap()) as usize;
        out.push(serde_json::from_slice(&bytes[4..4 + n]).unwrap());
        bytes = &bytes[4 + n..];
    }
    out
}

/// Starts the host exactly as the browser would (the manifest's `path`, the origin as argument)
/// and asks it to inspect a card number.
fn talk_to_host(manifest: &Path, home: &Path, args: &[&str]) -> Vec<Value> {
    let m: Value = serde_json::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    let path = m["path"].as_str().unwrap();
    assert!(path.starts_with('/'), "host path must be absolute: {path}");
    let mut child = Command::new(path)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .env("PROMPTWALL_RUNTIME_DIR", home.join("run"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = frame(&json!({"v": 1, "id": "h", "type": "hello", "client": "install-test"}));
    input.extend(frame(&json!({"v": 1, "id": "r1", "type": "inspect", "text": "card 4539 1488 0343 6467", "url": "https://claude.ai/chat/2", "trigger": "paste"})));
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    child.wait().unwrap();
    read_frames(&out)
}

#[test]
fn user_install_registers_every_browser_and_the_host_answers() {
    let home = dir("user");
    let out = ok(pw(&home).args(["install", "--user"]));
    assert!(out.contains("firefox"), "{out}");
    let wrapper = home.join(".local/lib/promptwall/promptwall-native-host");
    for d in BROWSER_DIRS {
        let m = home.join(d).join("com.promptwall.agent.json");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&m).unwrap()).unwrap();
        assert_eq!(v["name"], "com.promptwall.agent");
        assert_eq!(v["type"], "stdio");
        assert_eq!(v["path"], wrapper.display().to_string());
        if d.contains("mozilla") {
            assert_eq!(v["allowed_extensions"], json!(["promptwall@promptwall.invalid"]));
            assert!(v.get("allowed_origins").is_none());
        } else {
            assert_eq!(v["allowed_origins"], json!(["chrome-extension://aeallnljkglkjjonfebpgdfgcknmegcc/"]));
        }
    }
    assert!(home.join(".local/bin/promptwall").is_file(), "binary copied");
    assert!(home.join(".config/systemd/user/promptwall-daemon.service").is_file());

    // Chromium passes the origin; Firefox the manifest path and the add-on id.
    let chrome = talk_to_host(
        &home.join(BROWSER_DIRS[0]).join("com.promptwall.agent.json"),
        &home,
        &["chrome-extension://aeallnljkglkjjonfebpgdfgcknmegcc/"],
    );
    assert_eq!(chrome[0]["type"], "hello_ok", "{chrome:?}");
    assert_eq!(chrome[1]["type"], "verdict", "{chrome:?}");
    assert_eq!(chrome[1]["findings"][0]["type"], "CREDIT_CARD", "{chrome:?}");
    let fx_manifest = home.join(BROWSER_DIRS[4]).join("com.promptwall.agent.json");
    let fx = talk_to_host(&fx_manifest, &home, &[fx_manifest.to_str().unwrap(), "promptwall@promptwall.invalid"]);
    assert_eq!(fx[1]["type"], "verdict", "{fx:?}");

    let report = ok(pw(&home).args(["doctor", "--user"]));
    assert!(report.contains("protected: yes"), "{report}");
    let doc: Value = serde_json::from_str(&ok(pw(&home).args(["doctor", "--user", "--json"]))).unwrap();
    assert_eq!(doc["healthy"], true);
    assert_eq!(doc["hosts"].as_array().unwrap().len(), 5);
    assert!(doc["hosts"].as_array().unwrap().iter().all(|h| h["status"] == "ok"), "{doc}");
}

#[cfg(unix)]
#[test]
fn install_is_idempotent_and_uninstall_leaves_only_what_was_there() {
    let home = dir("roundtrip");
    // Someone else's host and a real browser profile must survive.
    let other = home.join(".config/google-chrome/NativeMessagingHosts/com.example.other.json");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(&other, "{}").unwrap();
    std::fs::create_dir_all(home.join(".mozilla/firefox")).unwrap();
    let (files_before, dirs_before) = (files(&home), dirs(&home));

    ok(pw(&home).args(["install", "--user"]));
    let first = files(&home);
    let manifest = std::fs::read(home.join(BROWSER_DIRS[1]).join("com.promptwall.agent.json")).unwrap();
    ok(pw(&home).args(["install", "--user"]));
    assert_eq!(files(&home), first, "a second install changes nothing");
    assert_eq!(std::fs::read(home.join(BROWSER_DIRS[1]).join("com.promptwall.agent.json")).unwrap(), manifest);

    // What `systemctl --user enable` leaves (scripts/setup.sh) goes too.
    let wants = home.join(".config/systemd/user/default.target.wants");
    std::fs::create_dir_all(&wants).unwrap();
    std::os::unix::fs::symlink("../promptwall-daemon.service", wants.join("promptwall-daemon.service")).unwrap();
    let first = files(&home);
    let out = ok(pw(&home).args(["uninstall", "--user", "--print"]));
    assert!(out.contains("remove ") && files(&home) == first, "--print changes nothing: {out}");
    ok(pw(&home).args(["uninstall", "--user"]));
    assert_eq!(files(&home), files_before);
    assert_eq!(dirs(&home), dirs_before, "folders we created are gone, the others stay");
    let out = ok(pw(&home).args(["uninstall", "--user"]));
    assert!(out.contains("nothing to remove"), "{out}");
}

#[test]
fn doctor_says_what_is_missing_or_broken() {
    let home = dir("doctor");
    let (code, out, _) = run(pw(&home).args(["doctor", "--user"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("missing") && out.contains("protected: no"), "{out}");
    assert!(files(&home).is_empty() && dirs(&home).is_empty(), "doctor writes nothing: {:?}", dirs(&home));

    ok(pw(&home).args(["install", "--user", "--browser", "chrome,firefox"]));
    let doc: Value = serde_json::from_str(&run(pw(&home).args(["doctor", "--user", "--json"])).1).unwrap();
    let status = |b: &str| doc["hosts"].as_array().unwrap().iter().find(|h| h["browser"] == b).unwrap()["status"].clone();
    assert_eq!(status("chrome"), "ok");
    assert_eq!(status("firefox"), "ok");
    assert_eq!(status("edge"), "missing");

    // The binary the wrapper starts is gone: every registration is broken, and doctor says so.
    std::fs::remove_file(home.join(".local/bin/promptwall")).unwrap();
    let (code, out, _) = run(pw(&home).args(["doctor", "--user"]));
    assert_eq!(code, 1);
    assert!(out.contains("broken") && out.contains(".local/bin/promptwall, which is missing"), "{out}");
}

#[test]
fn models_are_copied_beside_the_binary_and_removed_with_it() {
    let home = dir("models");
    let src = dir("models-src");
    std::fs::create_dir_all(src.join("runtime")).unwrap();
    std::fs::write(src.join("runtime/manifest.json"), "{}").unwrap();
    std::fs::create_dir_all(src.join("pii-ner")).unwrap();
    std::fs::write(src.join("pii-ner/model.onnx"), "weights").unwrap();
    let before = files(&home);
    ok(pw(&home).args(["install", "--user", "--browser", "chromium", "--models", src.to_str().unwrap()]));
    // ~/.local/bin/../share/promptwall/models: where the agent looks first.
    assert_eq!(std::fs::read_to_string(home.join(".local/share/promptwall/models/pii-ner/model.onnx")).unwrap(), "weights");
    ok(pw(&home).args(["install", "--user", "--browser", "chromium", "--models", src.to_str().unwrap()]));
    ok(pw(&home).args(["uninstall", "--user"]));
    assert_eq!(files(&home), before);
    let (code, _, err) = run(pw(&home).args(["install", "--user", "--models", home.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("not a models folder"), "{err}");
}

#[test]
fn found_only_registers_the_browsers_present() {
    let home = dir("found");
    std::fs::create_dir_all(home.join(".mozilla")).unwrap();
    std::fs::create_dir_all(home.join(".config/chromium/Default")).unwrap();
    ok(pw(&home).args(["install", "--user", "--found-only", "--no-daemon"]));
    let got: Vec<String> = files(&home).into_iter().filter(|f| f.ends_with("com.promptwall.agent.json")).collect();
    assert_eq!(
        got,
        vec![
            ".config/chromium/NativeMessagingHosts/com.promptwall.agent.json",
            ".mozilla/native-messaging-hosts/com.promptwall.agent.json"
        ]
    );
    assert!(!home.join(".config/systemd").exists());
}

#[test]
fn extension_ids_are_configurable_and_checked() {
    let home = dir("ids");
    let store = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    ok(pw(&home).args([
        "install",
        "--user",
        "--browser",
        "edge",
        "--extension-id",
        "aeallnljkglkjjonfebpgdfgcknmegcc",
        "--extension-id",
        store,
    ]));
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(home.join(BROWSER_DIRS[2]).join("com.promptwall.agent.json")).unwrap()).unwrap();
    assert_eq!(
        v["allowed_origins"],
        json!(["chrome-extension://aeallnljkglkjjonfebpgdfgcknmegcc/", format!("chrome-extension://{store}/")])
    );
    let (code, _, err) = run(pw(&home).args(["install", "--user", "--extension-id", "not-an-id"]));
    assert_eq!(code, 2);
    assert!(err.contains("32 letters"), "{err}");
    let (code, _, err) = run(pw(&home).args(["install", "--user", "--binary", "relative/promptwall"]));
    assert_eq!(code, 2);
    assert!(err.contains("absolute"), "{err}");
    // A machine-wide install (what packages do) trusts only the ids IT names: never the
    // development id, whose key is public, unless asked for explicitly.
    let (code, _, err) = run(pw(&home).args(["install", "--os", "linux", "--system", "--print"]));
    assert_eq!(code, 2, "a system install without ids is refused");
    assert!(err.contains("--extension-id"), "{err}");
    let (_, plan, _) = run(pw(&home).args(["install", "--os", "linux", "--system", "--print", "--extension-id", store]));
    assert!(plan.contains(store) && !plan.contains("aeallnljkglkjjonfebpgdfgcknmegcc") && !plan.contains("promptwall.invalid"), "{plan}");
    // A user's install that names a store id does not add the development ids either.
    ok(pw(&home).args(["install", "--user", "--browser", "edge", "--extension-id", store]));
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(home.join(BROWSER_DIRS[2]).join("com.promptwall.agent.json")).unwrap()).unwrap();
    assert_eq!(v["allowed_origins"], json!([format!("chrome-extension://{store}/")]));
}

#[test]
fn system_install_under_a_root_then_uninstall_leaves_nothing() {
    let home = dir("sys-home");
    let root = dir("sys-root");
    let r = root.to_str().unwrap();
    ok(pw(&home).args(["install", "--system", "--root", r, "--binary", "/usr/bin/promptwall", "--dev-extension"]));
    for d in SYSTEM_DIRS {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(root.join(d).join("com.promptwall.agent.json")).unwrap()).unwrap();
        assert_eq!(v["path"], "/usr/lib/promptwall/promptwall-native-host", "paths inside stay the final ones");
    }
    assert!(root.join("usr/bin/promptwall").is_file());
    let unit = std::fs::read_to_string(root.join("usr/lib/systemd/user/promptwall-daemon.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/promptwall daemon") && unit.contains("ProtectSystem=strict"), "{unit}");
    assert!(home.read_dir().unwrap().next().is_none(), "system scope writes nothing in HOME");

    let out = ok(pw(&home).args(["doctor", "--system", "--root", r]));
    assert!(out.contains("protected: yes") && out.contains("force-install policy: none found"), "{out}");
    // IT's force-install policy (installer/examples/chrome-policy.json with the id filled in) is reported.
    let policy = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../installer/examples/chrome-policy.json"))
        .unwrap()
        .replace("PROMPTWALL_EXTENSION_ID", "aeallnljkglkjjonfebpgdfgcknmegcc");
    let pdir = root.join("etc/opt/chrome/policies/managed");
    std::fs::create_dir_all(&pdir).unwrap();
    std::fs::write(pdir.join("promptwall.json"), policy).unwrap();
    let doc: Value = serde_json::from_str(&ok(pw(&home).args(["doctor", "--system", "--root", r, "--json"]))).unwrap();
    assert_eq!(doc["force_install_policies"], json!(["/etc/opt/chrome/policies/managed/promptwall.json"]));
    std::fs::remove_dir_all(root.join("etc/opt/chrome/policies")).unwrap();
    ok(pw(&home).args(["uninstall", "--system", "--root", r, "--binary", "/usr/bin/promptwall"]));
    assert_eq!(files(&root), Vec::<String>::new());
    let (code, _, _) = run(pw(&home).args(["doctor", "--system", "--root", r]));
    assert_eq!(code, 1);
}

/// Golden outputs for the systems we cannot run here; the tests/ scripts lint them too.
#[test]
fn generated_outputs_match_golden_files() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let home = dir("golden");
    let cases: &[(&str, &[&str])] = &[
        (
            "installer/golden/linux-system.plan",
            &["install", "--os", "linux", "--system", "--binary", "/usr/bin/promptwall", "--print", "--dev-extension"],
        ),
        ("installer/golden/linux-user.plan", &["install", "--os", "linux", "--user", "--home", "/home/alice", "--print"]),
        ("installer/golden/macos-system.plan", &["install", "--os", "macos", "--system", "--print", "--dev-extension"]),
        ("installer/golden/macos-user.plan", &["install", "--os", "macos", "--user", "--home", "/Users/alice", "--print"]),
        ("installer/golden/windows-system.plan", &["install", "--os", "windows", "--system", "--print", "--dev-extension"]),
        ("installer/golden/windows-user.plan", &["install", "--os", "windows", "--user", "--home", r"C:\Users\alice", "--print"]),
        ("installer/windows/promptwall-hosts.reg", &["install", "--os", "windows", "--system", "--emit", "reg", "--dev-extension"]),
        ("installer/windows/NativeHosts.wxs", &["install", "--os", "windows", "--system", "--emit", "wix", "--dev-extension"]),
    ];
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for (file, args) in cases {
        let out = ok(pw(&home).args(*args));
        let path = repo.join(file);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &out).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(out.as_str()) {
            stale.push(*file);
        }
    }
    assert!(stale.is_empty(), "generated output differs from {stale:?}; check the diff and rerun with UPDATE_GOLDEN=1");
    // The macOS payload as the pkg recipe builds it (foreign OS: only with --root).
    let root = dir("macos-payload");
    ok(pw(&home).args(["install", "--os", "macos", "--system", "--root", root.to_str().unwrap(), "--no-copy", "--dev-extension"]));
    assert!(root.join("Library/Google/Chrome/NativeMessagingHosts/com.promptwall.agent.json").is_file());
    assert!(root.join("Library/LaunchAgents/com.promptwall.daemon.plist").is_file());
    let (code, _, err) = run(pw(&home).args(["install", "--os", "windows", "--system"]));
    assert_eq!(code, 2, "windows registry writes are the MSI's: {err}");
    // The MSI's source files (wrapper and manifests) as the same code writes them.
    let root = dir("windows-payload");
    ok(pw(&home).args(["install", "--os", "windows", "--system", "--root", root.to_str().unwrap(), "--no-copy", "--dev-extension"]));
    let made = root.join("Program Files/Promptwall");
    let golden = repo.join("installer/windows/payload");
    let names = files(&made);
    assert_eq!(names, ["com.promptwall.agent.chromium.json", "com.promptwall.agent.firefox.json", "promptwall-native-host.cmd"]);
    for n in &names {
        let got = std::fs::read(made.join(n)).unwrap();
        if update {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(golden.join(n), &got).unwrap();
        } else {
            assert_eq!(std::fs::read(golden.join(n)).ok(), Some(got), "installer/windows/payload/{n} is stale: rerun with UPDATE_GOLDEN=1");
        }
    }
}

#[test]
fn uninstall_stops_the_users_daemon() {
    let home = dir("daemon");
    ok(pw(&home).args(["install", "--user", "--browser", "chromium"]));
    let mut daemon = pw(&home).arg("daemon").stderr(Stdio::null()).spawn().unwrap();
    let sock = home.join("run/agent.sock");
    let t = std::time::Instant::now();
    while !sock.exists() && t.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(sock.exists(), "the daemon did not start");
    let out = ok(pw(&home).args(["uninstall", "--user"]));
    assert!(out.contains("stopped  the daemon"), "{out}");
    let t = std::time::Instant::now();
    let status = loop {
        if let Some(s) = daemon.try_wait().unwrap() {
            break Some(s);
        }
        if t.elapsed().as_secs() > 10 {
            let _ = daemon.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.is_some_and(|s| s.success()), "SIGTERM ends the daemon cleanly: {status:?}");
}
