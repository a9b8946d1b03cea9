//! # promptwall-install
//!
//! `promptwall install`, `uninstall` and `doctor`: registering the native-messaging host with the
//! browsers, from one table of browser × OS × scope ([`TABLE`]). A library so that the table, the
//! per-OS layout and the rendered templates can be tested and reused without the binary; where
//! the agent keeps its files comes from `promptwall-agent`'s `paths` and `config`.
//!
//! Everything that is written is first computed as a [`Plan`] (files with their content, registry
//! values), so the same code installs on this machine, prints what it would do (`--print`),
//! fills a package root (`--root`, DESTDIR semantics: paths inside the files stay the final ones;
//! the .deb is built this way), and generates the macOS and Windows outputs (`--os`,
//! `--emit reg|wix`) that are checked against golden files.
//!
//! Layout (binary default per OS and scope; the host wrapper lives beside it in
//! `<prefix>/lib/promptwall/`):
//! - Linux/macOS user: `~/.local/bin/promptwall`; Linux system: `/usr/local/bin/promptwall`
//!   (the .deb passes `--binary /usr/bin/promptwall`); macOS system: `/Library/Promptwall/bin/promptwall`.
//! - Windows: `%LOCALAPPDATA%\Promptwall\` (user) or `C:\Program Files\Promptwall\` (system); one
//!   manifest per browser family in that folder, found through registry keys; `path` in them is
//!   relative to the manifest (allowed on Windows), so the MSI may install anywhere.
//!
//! The browser starts the host as `<path> <origin>` (Chromium) or `<path> <manifest> <add-on id>`
//! (Firefox), so `path` is a small wrapper that runs `promptwall native-host "$@"`.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const HOST_NAME: &str = "com.promptwall.agent";
/// The development build of the extension (its manifest `key` pins this id; extension/DEV_EXTENSION_ID).
pub const DEV_EXTENSION_ID: &str = "aeallnljkglkjjonfebpgdfgcknmegcc";
/// The Chrome Web Store / Edge Add-ons ids are not assigned yet: pass them with `--extension-id`.
pub const STORE_EXTENSION_ID: Option<&str> = None;
pub const FIREFOX_ADDON_ID: &str = "promptwall@promptwall.invalid";
const DESCRIPTION: &str = "Promptwall agent: checks text before it is sent to AI chat";
const WRAPPER: &str = "promptwall-native-host";
const UNIT: &str = "promptwall-daemon.service";
const LAUNCH_AGENT: &str = "com.promptwall.daemon";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Browser {
    Chrome,
    Chromium,
    Edge,
    Brave,
    Firefox,
}

impl Browser {
    pub const ALL: [Browser; 5] = [Browser::Chrome, Browser::Chromium, Browser::Edge, Browser::Brave, Browser::Firefox];
    pub fn name(self) -> &'static str {
        match self {
            Browser::Chrome => "chrome",
            Browser::Chromium => "chromium",
            Browser::Edge => "edge",
            Browser::Brave => "brave",
            Browser::Firefox => "firefox",
        }
    }
    fn is_firefox(self) -> bool {
        self == Browser::Firefox
    }
    /// Executables that show the browser is installed (Linux/macOS PATH look-up).
    fn executables(self) -> &'static [&'static str] {
        match self {
            Browser::Chrome => &["google-chrome", "google-chrome-stable"],
            Browser::Chromium => &["chromium", "chromium-browser"],
            Browser::Edge => &["microsoft-edge", "microsoft-edge-stable"],
            Browser::Brave => &["brave-browser", "brave"],
            Browser::Firefox => &["firefox", "firefox-esr"],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Os {
    Linux,
    Macos,
    Windows,
}

impl Os {
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::Macos
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }
    fn name(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Macos => "macos",
            Os::Windows => "windows",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    User,
    System,
}

/// Where one browser looks for host manifests: a folder (`~/` = the user's home), or on Windows
/// a registry key (under HKCU for user scope, HKLM for system) whose default value is the
/// manifest's path.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    Dir(&'static str),
    Registry(&'static str),
}

/// The one table: browser × OS × scope → where the host manifest goes. Sources: Chrome's and
/// Edge's native-messaging docs, MDN "Native manifests", browserpass-native's Makefile (Brave).
pub const TABLE: &[(Browser, Os, Scope, Place)] = {
    use Browser::*;
    use Os::*;
    use Place::*;
    use Scope::*;
    &[
        (Chrome, Linux, User, Dir("~/.config/google-chrome/NativeMessagingHosts")),
        (Chrome, Linux, System, Dir("/etc/opt/chrome/native-messaging-hosts")),
        (Chrome, Macos, User, Dir("~/Library/Application Support/Google/Chrome/NativeMessagingHosts")),
        (Chrome, Macos, System, Dir("/Library/Google/Chrome/NativeMessagingHosts")),
        (Chrome, Windows, User, Registry(r"Software\Google\Chrome\NativeMessagingHosts")),
        (Chrome, Windows, System, Registry(r"Software\Google\Chrome\NativeMessagingHosts")),
        (Chromium, Linux, User, Dir("~/.config/chromium/NativeMessagingHosts")),
        (Chromium, Linux, System, Dir("/etc/chromium/native-messaging-hosts")),
        (Chromium, Macos, User, Dir("~/Library/Application Support/Chromium/NativeMessagingHosts")),
        (Chromium, Macos, System, Dir("/Library/Application Support/Chromium/NativeMessagingHosts")),
        (Chromium, Windows, User, Registry(r"Software\Chromium\NativeMessagingHosts")),
        (Chromium, Windows, System, Registry(r"Software\Chromium\NativeMessagingHosts")),
        (Edge, Linux, User, Dir("~/.config/microsoft-edge/NativeMessagingHosts")),
        (Edge, Linux, System, Dir("/etc/opt/edge/native-messaging-hosts")),
        (Edge, Macos, User, Dir("~/Library/Application Support/Microsoft Edge/NativeMessagingHosts")),
        (Edge, Macos, System, Dir("/Library/Microsoft/Edge/NativeMessagingHosts")),
        (Edge, Windows, User, Registry(r"Software\Microsoft\Edge\NativeMessagingHosts")),
        (Edge, Windows, System, Registry(r"Software\Microsoft\Edge\NativeMessagingHosts")),
        (Brave, Linux, User, Dir("~/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts")),
        (Brave, Linux, System, Dir("/etc/opt/brave/native-messaging-hosts")),
        (Brave, Macos, User, Dir("~/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts")),
        (Brave, Macos, System, Dir("/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts")),
        (Brave, Windows, User, Registry(r"Software\BraveSoftware\Brave-Browser\NativeMessagingHosts")),
        (Brave, Windows, System, Registry(r"Software\BraveSoftware\Brave-Browser\NativeMessagingHosts")),
        (Firefox, Linux, User, Dir("~/.mozilla/native-messaging-hosts")),
        (Firefox, Linux, System, Dir("/usr/lib/mozilla/native-messaging-hosts")),
        (Firefox, Macos, User, Dir("~/Library/Application Support/Mozilla/NativeMessagingHosts")),
        (Firefox, Macos, System, Dir("/Library/Application Support/Mozilla/NativeMessagingHosts")),
        (Firefox, Windows, User, Registry(r"Software\Mozilla\NativeMessagingHosts")),
        (Firefox, Windows, System, Registry(r"Software\Mozilla\NativeMessagingHosts")),
    ]
};

pub fn place(browser: Browser, os: Os, scope: Scope) -> Place {
    // Every (browser, os, scope) has exactly one row; the unit test `table_is_complete` checks it.
    TABLE.iter().find(|r| r.0 == browser && r.1 == os && r.2 == scope).map(|r| r.3).unwrap_or(Place::Dir("/nonexistent"))
}

// ---------------------------------------------------------------------------------------------
// Command-line arguments

#[derive(Args, Clone)]
pub struct Target {
    /// For the current user only (the default).
    #[arg(long, conflicts_with = "system")]
    pub user: bool,
    /// For every user of the machine (needs root/administrator, or `--root`).
    #[arg(long)]
    pub system: bool,
    /// Browsers to handle (repeatable or comma-separated; default: all five).
    #[arg(long = "browser", value_enum, value_delimiter = ',')]
    pub browsers: Vec<Browser>,
    /// Write under this directory instead of `/` (package building, tests); paths inside the
    /// written files stay the final ones.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Operating system to generate for (default: this one). Other than this one: `--print`,
    /// `--emit` or `--root` only.
    #[arg(long, value_enum)]
    pub os: Option<Os>,
    /// Home folder for user scope (default: $HOME, or %USERPROFILE% on Windows).
    #[arg(long)]
    pub home: Option<String>,
}

#[derive(Args)]
pub struct InstallArgs {
    #[command(flatten)]
    pub target: Target,
    /// Chromium-family extension id allowed to start the host (repeatable): the Web Store / Edge
    /// Add-ons ids IT deploys. A `--system` install needs them (or `--dev-extension`); a
    /// `--user` install (a developer's own machine) defaults to the development ids.
    #[arg(long = "extension-id")]
    pub extension_ids: Vec<String>,
    /// Firefox add-on id allowed to start the host (repeatable).
    #[arg(long = "firefox-id")]
    pub firefox_ids: Vec<String>,
    /// Also trust the development build of the extension (its id is pinned by a key that is in
    /// the repository, so any unpacked extension can claim it): development setups only.
    #[arg(long)]
    pub dev_extension: bool,
    /// Where the promptwall binary is (or is copied to). Default: see `promptwall install --help`
    /// layout in docs/deploy.md.
    #[arg(long)]
    pub binary: Option<String>,
    /// Where the host wrapper goes (the manifests' `path`). Default: `<prefix>/lib/promptwall/promptwall-native-host`.
    #[arg(long)]
    pub host_path: Option<String>,
    /// Do not copy the running binary to `--binary` (it is already there, e.g. a package installs it).
    #[arg(long)]
    pub no_copy: bool,
    /// Do not write the daemon's systemd user unit (Linux) or LaunchAgent (macOS).
    #[arg(long)]
    pub no_daemon: bool,
    /// Copy this ML models folder (`python3 models/fetch.py` fills models/dist) to
    /// `<prefix>/share/promptwall/models`, where the agent looks for it beside its binary.
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Only the browsers found on this machine (all of them when none is found).
    #[arg(long)]
    pub found_only: bool,
    /// Print what would be done, change nothing.
    #[arg(long, alias = "dry-run")]
    pub print: bool,
    /// Print a Windows `.reg` file or a WiX fragment for the plan instead of installing.
    #[arg(long, value_enum)]
    pub emit: Option<Emit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    Reg,
    Wix,
}

#[derive(Args)]
pub struct UninstallArgs {
    #[command(flatten)]
    pub target: Target,
    /// The binary to remove too (default: the install default for this scope, when it is there).
    #[arg(long)]
    pub binary: Option<String>,
    /// The host wrapper to remove (default as for install).
    #[arg(long)]
    pub host_path: Option<String>,
    /// Keep the binary.
    #[arg(long)]
    pub keep_binary: bool,
    /// Also remove this user's local data (event buffer, device id).
    #[arg(long)]
    pub purge: bool,
    /// Print what would be removed, change nothing.
    #[arg(long, alias = "dry-run")]
    pub print: bool,
}

#[derive(Args)]
pub struct DoctorArgs {
    /// Only the current user's registrations.
    #[arg(long, conflicts_with = "system")]
    pub user: bool,
    /// Only the machine-wide registrations (exit status 0 only if every browser is registered
    /// system-wide and each manifest leads to a working binary).
    #[arg(long)]
    pub system: bool,
    /// Look under this directory instead of `/`.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Home folder for user scope (default: $HOME).
    #[arg(long)]
    pub home: Option<String>,
    /// One JSON document (for MDM compliance scripts).
    #[arg(long)]
    pub json: bool,
}

// ---------------------------------------------------------------------------------------------
// The plan

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The running binary copied to `path` (when it is not already there).
    Binary {
        path: String,
    },
    /// A folder copied to `path` (the ML models).
    Tree {
        path: String,
        source: PathBuf,
    },
    File {
        path: String,
        mode: u32,
        content: String,
        what: &'static str,
    },
    /// Windows: `HIVE\key\com.promptwall.agent`, default value = `value`.
    Registry {
        hive: &'static str,
        key: String,
        value: String,
        browser: Browser,
    },
}

pub struct Plan {
    pub os: Os,
    pub scope: Scope,
    pub actions: Vec<Action>,
}

/// Everything the plan needs to know, resolved from the arguments.
pub struct Layout {
    pub os: Os,
    pub scope: Scope,
    pub home: String,
    pub binary: String,
    pub host_path: String,
}

fn sep(os: Os) -> char {
    if os == Os::Windows {
        '\\'
    } else {
        '/'
    }
}

fn join(os: Os, a: &str, b: &str) -> String {
    let s = sep(os);
    if a.ends_with(s) {
        format!("{a}{b}")
    } else {
        format!("{a}{s}{b}")
    }
}

fn parent(os: Os, p: &str) -> String {
    match p.rfind(sep(os)) {
        Some(0) => sep(os).to_string(),
        Some(i) => p[..i].to_string(),
        None => String::new(),
    }
}

fn is_absolute(os: Os, p: &str) -> bool {
    match os {
        Os::Windows => {
            p.len() > 2 && p.as_bytes()[1] == b':' && (p.as_bytes()[2] == b'\\' || p.as_bytes()[2] == b'/') || p.starts_with(r"\\")
        }
        _ => p.starts_with('/'),
    }
}

impl Layout {
    pub fn resolve(t: &Target, binary: Option<&str>, host_path: Option<&str>) -> Result<Layout> {
        let os = t.os.unwrap_or_else(Os::current);
        let scope = if t.system { Scope::System } else { Scope::User };
        let home = match &t.home {
            Some(h) => h.trim_end_matches(['/', '\\']).to_string(),
            None => {
                let var = if os == Os::Windows { "USERPROFILE" } else { "HOME" };
                match std::env::var(var) {
                    Ok(h) if !h.is_empty() => h.trim_end_matches(['/', '\\']).to_string(),
                    _ if scope == Scope::System => String::new(),
                    _ => bail!("${var} is not set: pass --home for user scope"),
                }
            }
        };
        if scope == Scope::User && !is_absolute(os, &home) {
            bail!("home folder {home:?} is not an absolute path");
        }
        let binary = match binary {
            Some(b) => b.to_string(),
            None => match (os, scope) {
                (Os::Windows, Scope::User) => join(os, &home, r"AppData\Local\Promptwall\promptwall.exe"),
                (Os::Windows, Scope::System) => r"C:\Program Files\Promptwall\promptwall.exe".to_string(),
                (_, Scope::User) => join(os, &home, ".local/bin/promptwall"),
                (Os::Linux, Scope::System) => "/usr/local/bin/promptwall".to_string(),
                (Os::Macos, Scope::System) => "/Library/Promptwall/bin/promptwall".to_string(),
            },
        };
        if !is_absolute(os, &binary) {
            bail!("--binary {binary:?} must be an absolute path");
        }
        let host_path = match host_path {
            Some(h) => h.to_string(),
            None if os == Os::Windows => join(os, &parent(os, &binary), &format!("{WRAPPER}.cmd")),
            // <prefix>/bin/promptwall → <prefix>/lib/promptwall/promptwall-native-host
            None => join(os, &join(os, &parent(os, &parent(os, &binary)), "lib/promptwall"), WRAPPER),
        };
        if !is_absolute(os, &host_path) {
            bail!("--host-path {host_path:?} must be an absolute path (browsers refuse relative host paths)");
        }
        for p in [&binary, &host_path] {
            if p.contains(['\n', '\r', '\0', '"']) || (os == Os::Windows && p.contains('%')) {
                bail!("path {p:?} contains characters the generated files cannot carry");
            }
        }
        Ok(Layout { os, scope, home, binary, host_path })
    }

    /// A table folder with `~/` replaced by the home folder.
    fn dir(&self, d: &str) -> String {
        match d.strip_prefix("~/") {
            Some(rest) => join(self.os, &self.home, rest),
            None => d.to_string(),
        }
    }

    /// Windows: the folder holding the binary, the wrapper and the manifests.
    fn win_dir(&self) -> String {
        parent(self.os, &self.binary)
    }

    fn daemon_file(&self) -> Option<String> {
        match (self.os, self.scope) {
            (Os::Linux, Scope::User) => Some(join(self.os, &self.home, &format!(".config/systemd/user/{UNIT}"))),
            (Os::Linux, Scope::System) => {
                let prefix = parent(self.os, &parent(self.os, &self.binary));
                let prefix = if prefix == "/" { String::new() } else { prefix };
                // /usr/lib/systemd/user or /usr/local/lib/systemd/user: both are searched by systemd.
                Some(format!("{prefix}/lib/systemd/user/{UNIT}"))
            }
            (Os::Macos, Scope::User) => Some(join(self.os, &self.home, &format!("Library/LaunchAgents/{LAUNCH_AGENT}.plist"))),
            (Os::Macos, Scope::System) => Some(format!("/Library/LaunchAgents/{LAUNCH_AGENT}.plist")),
            (Os::Windows, _) => None,
        }
    }

    /// Where the agent looks for models: `<prefix>/share/promptwall/models` beside its binary,
    /// except `/usr/lib/promptwall/models` for `/usr/bin/promptwall` (a Debian package keeps
    /// architecture-dependent files, the ONNX Runtime library, out of /usr/share).
    pub fn models_dir(&self) -> String {
        if self.os == Os::Linux && self.binary == "/usr/bin/promptwall" {
            return "/usr/lib/promptwall/models".to_string();
        }
        join(self.os, &parent(self.os, &parent(self.os, &self.binary)), "share/promptwall/models")
    }

    pub fn manifest_path(&self, browser: Browser) -> String {
        match place(browser, self.os, self.scope) {
            Place::Dir(d) => join(self.os, &self.dir(d), &format!("{HOST_NAME}.json")),
            Place::Registry(_) => {
                let family = if browser.is_firefox() { "firefox" } else { "chromium" };
                join(self.os, &self.win_dir(), &format!("{HOST_NAME}.{family}.json"))
            }
        }
    }
}

pub fn valid_chrome_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b))
}

pub fn valid_firefox_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 200 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._@{}-+".contains(&b))
}

/// The host manifest: Chromium browsers list origins, Firefox lists add-on ids.
pub fn manifest(browser: Browser, path: &str, chrome_ids: &[String], firefox_ids: &[String]) -> String {
    let doc = if browser.is_firefox() {
        json!({"name": HOST_NAME, "description": DESCRIPTION, "path": path, "type": "stdio", "allowed_extensions": firefox_ids})
    } else {
        let origins: Vec<String> = chrome_ids.iter().map(|id| format!("chrome-extension://{id}/")).collect();
        json!({"name": HOST_NAME, "description": DESCRIPTION, "path": path, "type": "stdio", "allowed_origins": origins})
    };
    // serde_json cannot fail on a Value built from strings.
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub fn wrapper(os: Os, binary: &str, host_path: &str) -> String {
    if os == Os::Windows {
        // Chrome and Firefox start .cmd hosts through cmd.exe; stdin/stdout pass straight through.
        let exe = if parent(os, binary) == parent(os, host_path) {
            format!("\"%~dp0{}\"", binary.rsplit('\\').next().unwrap_or("promptwall.exe"))
        } else {
            format!("\"{binary}\"")
        };
        format!("@echo off\r\nrem Promptwall native-messaging host: the browser starts this with the extension's origin.\r\n{exe} native-host %*\r\n")
    } else {
        format!(
            "#!/bin/sh\n# Promptwall native-messaging host: the browser starts this with the extension's origin\n# (Chromium) or its manifest path and add-on id (Firefox). Generated by `promptwall install`.\nexec {} native-host \"$@\"\n",
            sh_quote(binary)
        )
    }
}

/// The daemon's hardened systemd user unit.
pub fn systemd_unit(binary: &str) -> String {
    let bin = if binary.contains(' ') { format!("\"{binary}\"") } else { binary.to_string() };
    format!(
        "# Promptwall agent daemon: one per user session; the browser's native host relays to it.\n\
         # Generated by `promptwall install`; see docs/deploy.md.\n\
         [Unit]\n\
         Description=Promptwall agent daemon\n\
         Documentation=https://example.invalid/promptwall/docs/deploy.md\n\
         \n\
         [Service]\n\
         Type=simple\n\
         # The data folder must exist before the sandbox binds it writable; \"+\" runs this unsandboxed.\n\
         ExecStartPre=+/bin/mkdir -p %h/.local/share/promptwall\n\
         ExecStart={bin} daemon\n\
         Restart=on-failure\n\
         RestartSec=2s\n\
         UMask=0077\n\
         RuntimeDirectory=promptwall\n\
         RuntimeDirectoryMode=0700\n\
         NoNewPrivileges=yes\n\
         ProtectSystem=strict\n\
         ProtectHome=read-only\n\
         ReadWritePaths=%h/.local/share/promptwall\n\
         PrivateTmp=yes\n\
         PrivateDevices=yes\n\
         ProtectKernelTunables=yes\n\
         ProtectKernelModules=yes\n\
         ProtectKernelLogs=yes\n\
         ProtectControlGroups=yes\n\
         ProtectClock=yes\n\
         ProtectHostname=yes\n\
         RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n\
         RestrictNamespaces=yes\n\
         RestrictRealtime=yes\n\
         RestrictSUIDSGID=yes\n\
         LockPersonality=yes\n\
         MemoryDenyWriteExecute=yes\n\
         SystemCallArchitectures=native\n\
         SystemCallFilter=@system-service\n\
         SystemCallFilter=~@privileged @resources\n\
         CapabilityBoundingSet=\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n"
    )
}

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The daemon's LaunchAgent (macOS): started at login for each user, restarted if it exits.
pub fn launch_agent(binary: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n\
         <dict>\n\
         \t<key>Label</key>\n\
         \t<string>{LAUNCH_AGENT}</string>\n\
         \t<key>ProgramArguments</key>\n\
         \t<array>\n\
         \t\t<string>{}</string>\n\
         \t\t<string>daemon</string>\n\
         \t</array>\n\
         \t<key>RunAtLoad</key>\n\
         \t<true/>\n\
         \t<key>KeepAlive</key>\n\
         \t<dict>\n\
         \t\t<key>SuccessfulExit</key>\n\
         \t\t<false/>\n\
         \t</dict>\n\
         \t<key>ProcessType</key>\n\
         \t<string>Background</string>\n\
         \t<key>LimitLoadToSessionType</key>\n\
         \t<string>Aqua</string>\n\
         </dict>\n\
         </plist>\n",
        xml_escape(binary)
    )
}

fn hive(scope: Scope) -> &'static str {
    match scope {
        Scope::User => "HKEY_CURRENT_USER",
        Scope::System => "HKEY_LOCAL_MACHINE",
    }
}

pub fn plan(layout: &Layout, browsers: &[Browser], chrome_ids: &[String], firefox_ids: &[String], copy: bool, daemon: bool) -> Plan {
    let os = layout.os;
    let mut actions = Vec::new();
    if copy {
        actions.push(Action::Binary { path: layout.binary.clone() });
    }
    actions.push(Action::File {
        path: layout.host_path.clone(),
        mode: 0o755,
        content: wrapper(os, &layout.binary, &layout.host_path),
        what: "host wrapper",
    });
    if os == Os::Windows {
        // One manifest per family beside the wrapper; `path` relative to it.
        let rel = layout.host_path.rsplit('\\').next().unwrap_or(&layout.host_path).to_string();
        let mut written = Vec::new();
        for &b in browsers {
            let path = layout.manifest_path(b);
            if !written.contains(&path) {
                let what = if b.is_firefox() { "host manifest (firefox)" } else { "host manifest (chromium family)" };
                actions.push(Action::File { path: path.clone(), mode: 0o644, content: manifest(b, &rel, chrome_ids, firefox_ids), what });
                written.push(path);
            }
        }
        for &b in browsers {
            if let Place::Registry(key) = place(b, os, layout.scope) {
                actions.push(Action::Registry {
                    hive: hive(layout.scope),
                    key: format!("{key}\\{HOST_NAME}"),
                    value: layout.manifest_path(b),
                    browser: b,
                });
            }
        }
    } else {
        for &b in browsers {
            actions.push(Action::File {
                path: layout.manifest_path(b),
                mode: 0o644,
                content: manifest(b, &layout.host_path, chrome_ids, firefox_ids),
                what: b.name(),
            });
        }
    }
    if daemon {
        if let Some(path) = layout.daemon_file() {
            let (content, what) = if os == Os::Macos {
                (launch_agent(&layout.binary), "daemon LaunchAgent")
            } else {
                (systemd_unit(&layout.binary), "daemon systemd user unit")
            };
            actions.push(Action::File { path, mode: 0o644, content, what });
        }
    }
    Plan { os, scope: layout.scope, actions }
}

impl Plan {
    /// Human-readable and stable (golden files compare it).
    pub fn render(&self) -> String {
        let mut out = format!(
            "# promptwall install plan: os={} scope={}\n",
            self.os.name(),
            if self.scope == Scope::User { "user" } else { "system" }
        );
        for a in &self.actions {
            match a {
                Action::Binary { path } => {
                    let _ = writeln!(out, "binary 0755 {path}\n  (a copy of the promptwall binary)");
                }
                Action::Tree { path, source } => {
                    let _ = writeln!(out, "folder {path}\n  (a copy of {})", source.display());
                }
                Action::File { path, mode, content, what } => {
                    let _ = writeln!(out, "file {mode:04o} {path}   [{what}]");
                    for line in content.lines() {
                        let _ = writeln!(out, "  | {line}");
                    }
                }
                Action::Registry { hive, key, value, browser } => {
                    let _ = writeln!(out, "registry {hive}\\{key}   [{}]\n  (Default) REG_SZ = {value}", browser.name());
                }
            }
        }
        out
    }

    /// A Windows `.reg` file with the plan's registry values.
    pub fn reg_file(&self) -> String {
        let mut out = String::from("Windows Registry Editor Version 5.00\r\n\r\n; Promptwall native-messaging host registration. Generated by `promptwall install --os windows --emit reg`.\r\n");
        for a in &self.actions {
            if let Action::Registry { hive, key, value, .. } = a {
                let v = value.replace('\\', "\\\\");
                let _ = write!(out, "\r\n[{hive}\\{key}]\r\n@=\"{v}\"\r\n");
            }
        }
        out
    }

    /// A WiX v3-schema fragment (built by msitools' `wixl` in CI and by WiX v3 on Windows): one
    /// 64-bit component per registry value, grouped as `NativeMessagingHosts`, so the keys land in
    /// the registry's 64-bit view. Manifests are referenced through `[INSTALLFOLDER]` so the MSI
    /// may install anywhere.
    pub fn wix_fragment(&self) -> String {
        let root = if self.scope == Scope::User { "HKCU" } else { "HKLM" };
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generated by `promptwall install` (os windows, system scope, emit wix) from its browser table.\n     Do not edit: regenerate with UPDATE_GOLDEN=1 and the promptwall crate's install test. -->\n<Wix xmlns=\"http://schemas.microsoft.com/wix/2006/wi\">\n  <Fragment>\n    <ComponentGroup Id=\"NativeMessagingHosts\" Directory=\"INSTALLFOLDER\">\n",
        );
        for a in &self.actions {
            if let Action::Registry { key, value, browser, .. } = a {
                let file = value.rsplit('\\').next().unwrap_or(value);
                let name = browser.name();
                let _ = write!(
                    out,
                    "      <Component Id=\"NmhReg_{name}\" Guid=\"*\" Win64=\"yes\">\n        <RegistryValue Root=\"{root}\" Key=\"{}\" Type=\"string\" Value=\"[INSTALLFOLDER]{}\" KeyPath=\"yes\" />\n      </Component>\n",
                    xml_escape(key),
                    xml_escape(file)
                );
            }
        }
        out.push_str("    </ComponentGroup>\n  </Fragment>\n</Wix>\n");
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Applying it here

fn rooted(root: Option<&Path>, path: &str) -> PathBuf {
    match root {
        // A Windows path under a root (MSI sources): `C:\Program Files\x` → `ROOT/Program Files/x`.
        Some(r) if path.as_bytes().get(1) == Some(&b':') => r.join(path[2..].trim_start_matches(['\\', '/']).replace('\\', "/")),
        Some(r) => r.join(path.trim_start_matches('/')),
        None => PathBuf::from(path),
    }
}

fn browsers_of(t: &Target) -> Vec<Browser> {
    if t.browsers.is_empty() {
        Browser::ALL.to_vec()
    } else {
        let mut v = Vec::new();
        for b in &t.browsers {
            if !v.contains(b) {
                v.push(*b);
            }
        }
        v
    }
}

/// Browsers that look installed: their user profile folder exists or an executable is on PATH.
fn found(layout: &Layout, root: Option<&Path>) -> Vec<Browser> {
    let path_dirs: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    Browser::ALL
        .into_iter()
        .filter(|&b| {
            let profile = match place(b, layout.os, Scope::User) {
                Place::Dir(d) => {
                    let d = layout.dir(d);
                    // the browser's own folder: the manifest folder's parent
                    Some(rooted(root, &parent(layout.os, &d)))
                }
                Place::Registry(_) => None,
            };
            profile.is_some_and(|p| p.is_dir()) || b.executables().iter().any(|e| path_dirs.iter().any(|d| d.join(e).is_file()))
        })
        .collect()
}

fn write_file(path: &Path, content: &[u8], mode: u32) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create folder", dir.display()))?;
    }
    // Written beside and renamed, so a browser never reads half a manifest.
    let tmp = path.with_extension("promptwall-tmp");
    std::fs::write(&tmp, content).with_context(|| format!("{}: cannot write", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("{}: cannot set mode", tmp.display()))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))
}

/// Copies a folder's files (following links) with read-only-for-others modes.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("{}: cannot read", from.display()))? {
        let entry = entry?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        if std::fs::metadata(&src)?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            let bytes = std::fs::read(&src).with_context(|| format!("{}: cannot read", src.display()))?;
            write_file(&dst, &bytes, 0o644)?;
        }
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

pub fn install(args: InstallArgs) -> Result<ExitCode> {
    let layout = Layout::resolve(&args.target, args.binary.as_deref(), args.host_path.as_deref())?;
    let root = args.target.root.as_deref();
    let mut chrome_ids = args.extension_ids.clone();
    chrome_ids.extend(STORE_EXTENSION_ID.map(String::from));
    // The development ids are trusted only when asked for, or by a user's own install that
    // names no ids (a developer machine): packages ship only the ids IT configures.
    let dev = args.dev_extension || (!args.target.system && args.extension_ids.is_empty() && args.firefox_ids.is_empty());
    if dev {
        chrome_ids.push(DEV_EXTENSION_ID.to_string());
    }
    if chrome_ids.is_empty() && args.firefox_ids.is_empty() {
        bail!("name the extension ids the host may trust: --extension-id ID (Chrome Web Store / Edge Add-ons) and/or --firefox-id ID; --dev-extension trusts the development build (development setups only)");
    }
    if let Some(bad) = chrome_ids.iter().find(|id| !valid_chrome_id(id)) {
        bail!("--extension-id {bad:?}: a Chromium extension id is 32 letters a-p");
    }
    let mut firefox_ids = args.firefox_ids.clone();
    if dev {
        firefox_ids.push(FIREFOX_ADDON_ID.to_string());
    }
    if let Some(bad) = firefox_ids.iter().find(|id| !valid_firefox_id(id)) {
        bail!("--firefox-id {bad:?} is not a valid add-on id");
    }
    let mut browsers = browsers_of(&args.target);
    if args.found_only {
        let f: Vec<Browser> = found(&layout, root).into_iter().filter(|b| browsers.contains(b)).collect();
        if f.is_empty() {
            eprintln!("promptwall install: no supported browser found; registering for all, so one installed later works");
        } else {
            browsers = f;
        }
    }
    let mut plan = plan(&layout, &browsers, &chrome_ids, &firefox_ids, !args.no_copy, !args.no_daemon);
    if let Some(src) = &args.models {
        if layout.os == Os::Windows {
            bail!("--models: the MSI carries the models on Windows");
        }
        // Any one model is enough: the default models (tagger, categories) need no runtime.
        if !["pii-tagger", "categories", "runtime", "pii-ner"].iter().any(|m| src.join(m).join("manifest.json").is_file()) {
            bail!(
                "--models {}: not a models folder (no pii-tagger/, categories/ or runtime/ manifest.json; run python3 models/fetch.py)",
                src.display()
            );
        }
        plan.actions.insert(1.min(plan.actions.len()), Action::Tree { path: layout.models_dir(), source: src.clone() });
    }
    match args.emit {
        Some(Emit::Reg) | Some(Emit::Wix) if layout.os != Os::Windows => bail!("--emit reg|wix is for --os windows"),
        Some(Emit::Reg) => {
            print!("{}", plan.reg_file());
            return Ok(ExitCode::SUCCESS);
        }
        Some(Emit::Wix) => {
            print!("{}", plan.wix_fragment());
            return Ok(ExitCode::SUCCESS);
        }
        None => {}
    }
    if args.print {
        print!("{}", plan.render());
        return Ok(ExitCode::SUCCESS);
    }
    if layout.os == Os::Windows && root.is_none() {
        bail!("installing on Windows is the MSI's (installer/windows): use --print, --emit, or --root to write its source files");
    }
    if layout.os != Os::current() && root.is_none() {
        bail!("installing for {} on this machine needs --root (or use --print)", layout.os.name());
    }
    for a in &plan.actions {
        match a {
            Action::Binary { path } => {
                let dest = rooted(root, path);
                let me = std::env::current_exe().context("cannot find the running promptwall binary")?;
                if same_file(&me, &dest) {
                    println!("binary   {path} (already in place)");
                    continue;
                }
                let bytes = std::fs::read(&me).with_context(|| format!("{}: cannot read", me.display()))?;
                write_file(&dest, &bytes, 0o755)?;
                println!("binary   {path}");
            }
            Action::File { path, mode, content, what } => {
                write_file(&rooted(root, path), content.as_bytes(), *mode)?;
                println!("{what:<8} {path}");
            }
            Action::Tree { path, source } => {
                let dest = rooted(root, path);
                if same_file(source, &dest) {
                    println!("models   {path} (already in place)");
                    continue;
                }
                if dest.exists() {
                    std::fs::remove_dir_all(&dest).with_context(|| format!("{}: cannot replace", dest.display()))?;
                }
                copy_tree(source, &dest)?;
                println!("models   {path}");
            }
            Action::Registry { hive, key, value, .. } => println!("registry {hive}\\{key} = {value} (not written: the MSI's)"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Folders never removed even when empty (they belong to the system layout, not to us).
const KEEP: &[&str] = &[
    "/",
    "/etc",
    "/etc/opt",
    "/usr",
    "/usr/bin",
    "/usr/lib",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/lib",
    "/usr/lib/systemd",
    "/usr/lib/systemd/user",
    "/usr/share",
    "/usr/local/share",
    "/Library",
    "/Library/Application Support",
    "/Library/LaunchAgents",
];

/// After removing `path`, removes the folders it leaves empty, up to (not including) `top` (the
/// home folder for user scope, `/` for system) and never one of [`KEEP`].
fn remove_empty_parents(root: Option<&Path>, path: &str, top: &str) {
    let mut dir = parent(Os::Linux, path);
    while dir.len() > top.len() && dir.starts_with(top) && !KEEP.contains(&dir.as_str()) {
        if std::fs::remove_dir(rooted(root, &dir)).is_err() {
            break;
        }
        dir = parent(Os::Linux, &dir);
    }
}

/// The user's data folder as the agent resolves it, without creating it.
fn data_dir_path() -> Option<PathBuf> {
    if let Some(d) = promptwall_agent::paths::dev_env("PROMPTWALL_DATA_DIR") {
        Some(PathBuf::from(d))
    } else if let Some(x) = std::env::var_os("XDG_DATA_HOME") {
        Some(PathBuf::from(x).join("promptwall"))
    } else {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/promptwall"))
    }
}

/// The daemon's socket as `promptwall daemon` resolves it, without creating anything.
fn socket_path() -> Option<PathBuf> {
    if let Some(d) = promptwall_agent::paths::dev_env("PROMPTWALL_RUNTIME_DIR") {
        Some(PathBuf::from(d).join("agent.sock"))
    } else if let Some(x) = std::env::var_os("XDG_RUNTIME_DIR") {
        Some(PathBuf::from(x).join("promptwall/agent.sock"))
    } else {
        data_dir_path().map(|d| d.join("agent.sock"))
    }
}

/// Stops this user's running daemon (SIGTERM: it finishes requests in flight and removes its
/// socket). The pid comes from the socket's peer credentials, so only our own daemon is signalled.
#[cfg(target_os = "linux")]
fn stop_own_daemon() {
    use std::os::fd::AsRawFd;
    let Some(stream) = socket_path().and_then(|p| std::os::unix::net::UnixStream::connect(p).ok()) else { return };
    let mut cred = libc::ucred { pid: 0, uid: u32::MAX, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cred`, a properly sized ucred.
    let rc = unsafe {
        libc::getsockopt(stream.as_raw_fd(), libc::SOL_SOCKET, libc::SO_PEERCRED, (&mut cred as *mut libc::ucred).cast(), &mut len)
    };
    drop(stream);
    // SAFETY: getuid has no preconditions; kill only signals a pid owned by this same user.
    if rc == 0 && cred.pid > 0 && cred.uid == unsafe { libc::getuid() } && unsafe { libc::kill(cred.pid, libc::SIGTERM) } == 0 {
        println!("stopped  the daemon (pid {})", cred.pid);
    }
}

#[cfg(not(target_os = "linux"))]
fn stop_own_daemon() {}

#[cfg(unix)]
fn daemon_running(sock: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(sock).is_ok()
}

#[cfg(not(unix))]
fn daemon_running(_: &Path) -> bool {
    false
}

pub fn uninstall(args: UninstallArgs) -> Result<ExitCode> {
    let layout = Layout::resolve(&args.target, args.binary.as_deref(), args.host_path.as_deref())?;
    if layout.os == Os::Windows {
        bail!("on Windows, uninstall through the MSI (msiexec /x)");
    }
    let root = args.target.root.as_deref();
    let browsers = browsers_of(&args.target);
    let mut paths: Vec<String> = browsers.iter().map(|&b| layout.manifest_path(b)).collect();
    // The wrapper, unit and binary are shared by all browsers: only removed with all of them.
    if args.target.browsers.is_empty() {
        paths.push(layout.host_path.clone());
        paths.extend(layout.daemon_file());
        if layout.os == Os::Linux && layout.scope == Scope::User {
            // `systemctl --user enable` (scripts/setup.sh) made this link.
            paths.push(join(layout.os, &layout.home, &format!(".config/systemd/user/default.target.wants/{UNIT}")));
            if !args.print && root.is_none() {
                stop_own_daemon();
            }
        }
        if !args.keep_binary {
            paths.push(layout.binary.clone());
        }
    }
    let mut removed = 0;
    for p in &paths {
        let full = rooted(root, p);
        if full.symlink_metadata().is_err() {
            continue;
        }
        if p.ends_with(&format!("{HOST_NAME}.json")) && !is_our_manifest(&full) {
            eprintln!("promptwall uninstall: {p} is not a Promptwall manifest; left alone");
            continue;
        }
        if args.print {
            println!("remove {p}");
        } else {
            std::fs::remove_file(&full).with_context(|| format!("{}: cannot remove", full.display()))?;
            remove_empty_parents(root, p, if layout.scope == Scope::User { &layout.home } else { "/" });
            println!("removed  {p}");
        }
        removed += 1;
    }
    // The models go with the binary.
    let models = rooted(root, &layout.models_dir());
    if args.target.browsers.is_empty() && !args.keep_binary && models.is_dir() && layout.os != Os::Windows {
        if args.print {
            println!("remove {}", layout.models_dir());
        } else {
            std::fs::remove_dir_all(&models).with_context(|| format!("{}: cannot remove", models.display()))?;
            remove_empty_parents(root, &layout.models_dir(), if layout.scope == Scope::User { &layout.home } else { "/" });
            println!("removed  {}", layout.models_dir());
        }
        removed += 1;
    }
    if args.purge && layout.scope == Scope::User {
        if let Some(d) = data_dir_path().filter(|d| d.is_dir()) {
            if args.print {
                println!("remove {} (events, device id)", d.display());
            } else {
                std::fs::remove_dir_all(&d).with_context(|| format!("{}: cannot remove", d.display()))?;
                if let Some(s) = d.to_str() {
                    remove_empty_parents(None, s, &layout.home);
                }
                println!("removed  {} (events, device id)", d.display());
            }
            removed += 1;
        }
    }
    if removed == 0 {
        println!("nothing to remove");
    }
    Ok(ExitCode::SUCCESS)
}

fn is_our_manifest(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|v| v["name"] == HOST_NAME)
}

// ---------------------------------------------------------------------------------------------
// Doctor

#[derive(serde::Serialize)]
struct Check {
    browser: &'static str,
    scope: &'static str,
    manifest: String,
    status: &'static str,
    detail: String,
}

/// What a manifest leads to: "ok", or what is wrong with it.
fn check_manifest(path: &Path, root: Option<&Path>, firefox: bool) -> (&'static str, String) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return ("missing", String::new()),
        Err(e) => return ("broken", format!("cannot read: {e}")),
    };
    let v: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return ("broken", format!("not JSON: {e}")),
    };
    if v["name"] != HOST_NAME || v["type"] != "stdio" {
        return ("broken", "name or type is wrong".into());
    }
    let allowed = if firefox { &v["allowed_extensions"] } else { &v["allowed_origins"] };
    let ids: Vec<&str> = allowed.as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
    if ids.is_empty() {
        return ("broken", "no extension is allowed".into());
    }
    let Some(host) = v["path"].as_str() else { return ("broken", "no path".into()) };
    if !host.starts_with('/') {
        return ("broken", format!("path {host} is not absolute"));
    }
    let host_file = rooted(root, host);
    if !is_executable(&host_file) {
        return ("broken", format!("host {host} is missing or not executable"));
    }
    // Our wrapper: check the binary it starts.
    if let Ok(w) = std::fs::read_to_string(&host_file) {
        if let Some(bin) = w.lines().find_map(|l| l.strip_prefix("exec '")).and_then(|l| l.split("' native-host").next()) {
            if !is_executable(&rooted(root, bin)) {
                return ("broken", format!("host starts {bin}, which is missing"));
            }
        }
    }
    ("ok", format!("host {host}; allows {}", ids.join(", ")))
}

/// Linux browser policy files that force-install the Promptwall extension (one of `ids`, the
/// ids our host manifests allow, or our Firefox add-on id). Information only: doctor cannot see
/// inside browser profiles.
fn force_install_policies(root: Option<&Path>, ids: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in [
        "/etc/opt/chrome/policies/managed",
        "/etc/chromium/policies/managed",
        "/etc/opt/edge/policies/managed",
        "/etc/opt/brave/policies/managed",
    ] {
        let Ok(rd) = std::fs::read_dir(rooted(root, dir)) else { continue };
        let mut names: Vec<_> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
        names.sort();
        for p in names {
            let v: serde_json::Value = std::fs::read_to_string(&p).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
            let ours = v["ExtensionInstallForcelist"].as_array().is_some_and(|a| {
                a.iter().filter_map(|x| x.as_str()).any(|e| e.split(';').next().is_some_and(|id| ids.iter().any(|x| x == id)))
            });
            if ours {
                found.push(format!("{dir}/{}", p.file_name().and_then(|n| n.to_str()).unwrap_or_default()));
            }
        }
    }
    let ff = "/etc/firefox/policies/policies.json";
    let v: serde_json::Value =
        std::fs::read_to_string(rooted(root, ff)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    if v["policies"]["ExtensionSettings"][FIREFOX_ADDON_ID]["installation_mode"] == "force_installed" {
        found.push(ff.to_string());
    }
    found
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

pub fn doctor(args: DoctorArgs) -> Result<ExitCode> {
    let os = Os::current();
    if os == Os::Windows {
        bail!("doctor reads the registry on Windows: not written yet (see docs/deploy.md for a reg query check)");
    }
    let root = args.root.as_deref();
    let scopes: &[Scope] = if args.system {
        &[Scope::System]
    } else if args.user {
        &[Scope::User]
    } else {
        &[Scope::User, Scope::System]
    };
    let mut checks = Vec::new();
    for &scope in scopes {
        let t = Target {
            user: scope == Scope::User,
            system: scope == Scope::System,
            browsers: vec![],
            root: None,
            os: Some(os),
            home: args.home.clone(),
        };
        let layout = match Layout::resolve(&t, None, None) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("promptwall doctor: {e:#}");
                continue;
            }
        };
        for b in Browser::ALL {
            let m = layout.manifest_path(b);
            let (status, detail) = check_manifest(&rooted(root, &m), root, b.is_firefox());
            checks.push(Check {
                browser: b.name(),
                scope: if scope == Scope::User { "user" } else { "system" },
                manifest: m,
                status,
                detail,
            });
        }
    }
    // The Chromium extension ids our registered manifests allow: a force-install of one of them is ours.
    let ids: Vec<String> = checks
        .iter()
        .filter(|c| c.status == "ok" && c.browser != "firefox")
        .filter_map(|c| std::fs::read_to_string(rooted(root, &c.manifest)).ok())
        .filter_map(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .flat_map(|v| v["allowed_origins"].as_array().cloned().unwrap_or_default())
        .filter_map(|o| o.as_str().and_then(|o| o.strip_prefix("chrome-extension://")).map(|id| id.trim_end_matches('/').to_string()))
        .collect();
    let forced = if os == Os::Linux { force_install_policies(root, &ids) } else { Vec::new() };
    let config = promptwall_agent::config::config_path().display().to_string();
    let config_present = rooted(root, &config).is_file();
    let sock = socket_path();
    let daemon_up = root.is_none() && sock.as_deref().is_some_and(daemon_running);
    let socket = sock.map(|p| p.display().to_string()).unwrap_or_default();
    let any_ok = checks.iter().any(|c| c.status == "ok");
    let all_ok = checks.iter().all(|c| c.status == "ok");
    // --system is the fleet check: every browser registered machine-wide. Otherwise: at least
    // one browser can reach the host.
    let healthy = if args.system { all_ok } else { any_ok } && !checks.iter().any(|c| c.status == "broken");
    if args.json {
        let doc = json!({
            "healthy": healthy,
            "hosts": checks,
            "managed_config": {"path": config, "present": config_present},
            "daemon": {"socket": socket, "running": daemon_up},
            "force_install_policies": forced,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!("{:<9} {:<7} {:<8} manifest", "browser", "scope", "status");
        for c in &checks {
            println!("{:<9} {:<7} {:<8} {}", c.browser, c.scope, c.status, c.manifest);
            if !c.detail.is_empty() && c.status != "missing" {
                println!("{:<26}{}", "", c.detail);
            }
        }
        println!("managed config: {config} ({})", if config_present { "present" } else { "absent: the built-in defaults apply" });
        println!("daemon: {} ({socket})", if daemon_up { "running" } else { "not running: hosts decide alone" });
        if os == Os::Linux {
            if forced.is_empty() {
                println!("extension force-install policy: none found (the extension must be installed by hand or by your MDM)");
            }
            for f in &forced {
                println!("extension force-install policy: {f}");
            }
        }
        if healthy {
            println!("protected: yes");
        } else if !any_ok {
            println!("protected: no: no browser can start the host; run `promptwall install --user` (or install the package)");
        } else {
            println!("protected: not fully: see the rows above");
        }
    }
    Ok(if healthy { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete() {
        for b in Browser::ALL {
            for os in [Os::Linux, Os::Macos, Os::Windows] {
                for s in [Scope::User, Scope::System] {
                    let n = TABLE.iter().filter(|r| r.0 == b && r.1 == os && r.2 == s).count();
                    assert_eq!(n, 1, "{b:?} {os:?} {s:?}");
                    match (os, place(b, os, s)) {
                        (Os::Windows, Place::Registry(_)) => {}
                        (Os::Windows, _) => panic!("windows uses the registry"),
                        (_, Place::Dir(d)) => assert_eq!(d.starts_with("~/"), s == Scope::User, "{d}"),
                        _ => panic!("folders on linux/macos"),
                    }
                }
            }
        }
    }

    #[test]
    fn ids_are_validated() {
        assert!(valid_chrome_id(DEV_EXTENSION_ID));
        assert!(!valid_chrome_id("aeallnljkglkjjonfebpgdfgcknmegcz"));
        assert!(valid_firefox_id(FIREFOX_ADDON_ID));
        assert!(!valid_firefox_id("a\"b"));
    }

    #[test]
    fn wrapper_quotes_the_binary() {
        let w = wrapper(Os::Linux, "/opt/it's here/promptwall", "/x");
        assert!(w.contains(r"exec '/opt/it'\''s here/promptwall' native-host"), "{w}");
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a<&>\"'"), "a&lt;&amp;&gt;&quot;&apos;");
        assert!(launch_agent("/a&b/promptwall").contains("/a&amp;b/promptwall"));
    }
}
