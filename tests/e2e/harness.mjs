// Test harness: a local page server, a private agent environment (policy, data and runtime
// directories, a host wrapper and its native-messaging manifest) and a Chromium with the
// development build of the extension loaded.
import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '../..');
export const EXT_ID = readFileSync(join(REPO, 'extension/DEV_EXTENSION_ID'), 'utf8').trim();
export const EXT_DIR = join(REPO, 'extension/dist/chromium-dev');
export const ARTIFACTS = join(REPO, 'target/e2e-artifacts');
export const HOST_NAME = 'com.promptwall.agent';
export const BIN = resolve(process.env.PROMPTWALL_BIN ?? join(REPO, 'target/debug/promptwall'));

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)');
  return found;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(fn, what, timeoutMs = 10000, stepMs = 50) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(stepMs);
  }
}

// ---------------------------------------------------------------- pages

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

export async function servePages() {
  const root = join(HERE, 'pages');
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\/+/, '') || 'textarea.html';
    const file = join(root, name);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: (p) => `http://127.0.0.1:${server.address().port}/${p}`, close: () => new Promise((r) => server.close(r)) };
}

// ---------------------------------------------------------------- agent

export class Agent {
  /** A private agent: its own policy (the default plus 127.0.0.1/localhost as AI sites), data and
   * runtime directories, and a host wrapper that the browser starts. */
  constructor({ failMode = 'open', name = 'agent' } = {}) {
    if (!existsSync(BIN)) throw new Error(`${BIN} not found: cargo build -p promptwall (or set PROMPTWALL_BIN)`);
    this.root = mkdtempSync(join(tmpdir(), `pw-e2e-${name}-`));
    this.dataDir = join(this.root, 'data');
    this.runDir = join(this.root, 'run');
    mkdirSync(this.dataDir, { mode: 0o700 });
    mkdirSync(this.runDir, { mode: 0o700 });
    this.policyFile = join(this.root, 'policy.json');
    execFileSync(BIN, ['policy', 'init', this.policyFile], { stdio: 'ignore' });
    const policy = JSON.parse(readFileSync(this.policyFile, 'utf8'));
    policy.sites.ai = [...(policy.sites.ai ?? []), '127.0.0.1', 'localhost'];
    policy.fail_mode = failMode;
    // A policy page for the block rule, so the block notice's link is exercised.
    policy.rules[0].link = 'https://policy.promptwall.invalid/ai-use#secrets';
    writeFileSync(this.policyFile, JSON.stringify(policy, null, 2));
    this.hostScript = join(this.root, 'host.sh');
    // A config path that does not exist: the agent uses its defaults, whatever this machine has
    // installed under /etc/promptwall.
    this.configFile = join(this.root, 'agent-config.json');
    this.env = { ...process.env, PROMPTWALL_DATA_DIR: this.dataDir, PROMPTWALL_RUNTIME_DIR: this.runDir, PROMPTWALL_POLICY: this.policyFile, PROMPTWALL_CONFIG: this.configFile };
    this.setHost('real');
  }

  /** 'real': the wrapper runs the host; 'missing': it fails at once, as a removed agent would;
   * 'hang': it starts and never answers; 'wedged': it answers hello, then nothing (wedged_host.py). */
  setHost(mode) {
    const env = `export PROMPTWALL_DATA_DIR='${this.dataDir}'\nexport PROMPTWALL_RUNTIME_DIR='${this.runDir}'\nexport PROMPTWALL_POLICY='${this.policyFile}'\nexport PROMPTWALL_CONFIG='${this.configFile}'\n`;
    const body = {
      real: `${env}exec '${BIN}' native-host "$@"\n`,
      missing: 'echo "promptwall agent is not installed" >&2\nexit 1\n',
      hang: 'while :; do sleep 1; done\n',
      wedged: `exec python3 '${join(HERE, 'wedged_host.py')}' "$@"\n`,
    }[mode];
    writeFileSync(this.hostScript, `#!/bin/sh\n${body}`);
    chmodSync(this.hostScript, 0o755);
  }

  /** Writes the Chromium host manifest into a user-data-dir. */
  installManifest(userDataDir) {
    const dir = join(userDataDir, 'NativeMessagingHosts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${HOST_NAME}.json`), JSON.stringify({
      name: HOST_NAME, description: 'Promptwall agent (test)', path: this.hostScript, type: 'stdio',
      allowed_origins: [`chrome-extension://${EXT_ID}/`],
    }, null, 2));
  }

  async startDaemon() {
    this.daemon = spawn(BIN, ['daemon'], { env: this.env, stdio: ['ignore', 'ignore', 'inherit'] });
    await until(() => existsSync(join(this.runDir, 'agent.sock')), 'the daemon socket');
  }

  async stopDaemon() {
    if (!this.daemon) return;
    const d = this.daemon;
    this.daemon = null;
    d.kill('SIGTERM');
    await new Promise((r) => (d.exitCode != null ? r() : d.once('exit', r)));
  }

  /** Events recorded by this agent (metadata only). */
  events() {
    const out = execFileSync(BIN, ['events', '--json', '--limit', '10000'], { env: this.env, encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  /** Pids of native hosts started for this agent (found by their environment). */
  hostPids() {
    const pids = [];
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        if (cmd.includes(this.hostScript)) { pids.push(Number(p)); continue; }
        if (!cmd.includes('native-host')) continue;
        if (readFileSync(`/proc/${p}/environ`, 'utf8').includes(`PROMPTWALL_DATA_DIR=${this.dataDir}`)) pids.push(Number(p));
      } catch { /* gone */ }
    }
    return pids;
  }
}

// ---------------------------------------------------------------- browser

export const HEADLESS_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];

/** Chromium with the development extension, a fresh user-data-dir and the agent's host manifest.
 * `args`: more flags (e.g. the test sites' --host-resolver-rules). Every page records the
 * extension's verdict signals in `window.__pwSignals` from its first script on, so a test waits
 * on the signal it needs without racing the extension. */
export async function launchChromium(agent, { extDir = EXT_DIR, args = [], viewport = { width: 1280, height: 800 } } = {}) {
  if (!existsSync(join(extDir, 'manifest.json'))) throw new Error(`${extDir} not built: cd extension && npm run build`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'pw-e2e-profile-'));
  agent.installManifest(userDataDir);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: false, // --headless=new below: the mode that runs extensions
    args: [...HEADLESS_ARGS, `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, ...args],
    viewport,
    ignoreHTTPSErrors: true,
  });
  await context.addInitScript(() => {
    window.__pwSignals = [];
    document.addEventListener('promptwall:verdict', (e) => { window.__pwSignals.push(JSON.parse(e.detail)); });
  });
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent('serviceworker', { timeout: 30000 });
  if (!worker.url().startsWith(`chrome-extension://${EXT_ID}/`)) throw new Error(`unexpected extension id in ${worker.url()}`);
  return { context, userDataDir };
}

/** How many verdict signals the page has seen so far (a mark for waitSignal). */
export function signalCount(page) {
  return page.evaluate(() => window.__pwSignals.length);
}

/** Waits for the first signal after `mark` that has `action` (and, when the text goes in and
 * `waitInsert`, for the `inserted` signal after it); resolves with the verdict signal. */
export async function waitSignal(page, mark, { waitInsert = true, timeoutMs = 10000, what = 'a verdict signal' } = {}) {
  return until(async () => {
    const s = await page.evaluate((m) => window.__pwSignals.slice(m), mark);
    const i = s.findIndex((x) => x.action);
    if (i < 0) return null;
    const v = s[i];
    if (!waitInsert || !['allow', 'redact'].includes(v.action) || v.trigger === 'submit' || v.trigger === 'file') return v;
    const ins = s.slice(i + 1).find((x) => x.inserted);
    return ins ? { ...v, insertedMs: ins.ms } : null;
  }, what, timeoutMs, 25);
}

const granted = new WeakMap();
/** Lets the page's origin use the clipboard (for real Ctrl+V). */
export async function grantClipboard(page) {
  const origin = new URL(page.url()).origin;
  const ctx = page.context();
  const set = granted.get(ctx) ?? new Set();
  if (!set.has(origin)) {
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    set.add(origin);
    granted.set(ctx, set);
  }
}

/** Puts `text` on the real clipboard (through the page, which must have focus). */
export async function setClipboard(page, text) {
  await grantClipboard(page);
  await page.bringToFront();
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
}

/** A real drop (CDP Input.dispatchDragEvent: trusted events, as a user's drag from another
 * application) of text and/or files (absolute paths) onto the centre of `selector`. */
export async function realDrop(page, selector, { text, files } = {}) {
  const box = await page.locator(selector).first().boundingBox();
  const x = box.x + Math.min(20, box.width / 2), y = box.y + Math.min(12, box.height / 2);
  const cdp = await page.context().newCDPSession(page);
  const data = { items: text != null ? [{ mimeType: 'text/plain', data: text }] : [], ...(files ? { files } : {}), dragOperationsMask: 1 };
  try {
    await cdp.send('Input.dispatchDragEvent', { type: 'dragEnter', x, y, data });
    await cdp.send('Input.dispatchDragEvent', { type: 'dragOver', x, y, data });
    await cdp.send('Input.dispatchDragEvent', { type: 'drop', x, y, data });
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Opens a test page and waits for the content script. */
export async function openPage(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('html[data-promptwall-ready]', { timeout: 10000 });
  return page;
}

/** Pastes `text` into `selector` as the user does: the text on the real clipboard, focus in the
 * composer, a real Ctrl+V (trusted events). Resolves with the extension's verdict signal (action,
 * ms, failed); when the text is let in, waits for it to be inserted too. */
export async function paste(page, selector, text, { waitInsert = true, timeoutMs = 10000, click = false } = {}) {
  await setClipboard(page, text);
  if (click) await page.locator(selector).first().click();
  else await page.locator(selector).first().focus();
  const mark = await signalCount(page);
  await page.keyboard.press('Control+V');
  return waitSignal(page, mark, { waitInsert, timeoutMs, what: 'the verdict of a paste' });
}

/** A paste made by page script (an untrusted ClipboardEvent carrying a DataTransfer), as a
 * hostile or automated page would make it. */
export function syntheticPaste(page, selector, text, { waitInsert = true, timeoutMs = 10000 } = {}) {
  return page.evaluate(async ({ selector, text, waitInsert, timeoutMs }) => {
    const el = document.querySelector(selector);
    el.focus();
    const signals = [];
    const done = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no verdict signal (${JSON.stringify(signals)})`)), timeoutMs);
      const on = (e) => {
        const d = JSON.parse(e.detail);
        signals.push(d);
        const verdict = signals.find((s) => s.action);
        if (!verdict) return;
        if (!waitInsert || !['allow', 'redact'].includes(verdict.action) || d.inserted) {
          clearTimeout(timer);
          document.removeEventListener('promptwall:verdict', on);
          resolve({ ...verdict, insertedMs: signals.find((s) => s.inserted)?.ms });
        }
      };
      document.addEventListener('promptwall:verdict', on);
    });
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }));
    return done;
  }, { selector, text, waitInsert, timeoutMs });
}

/** Resolves with the next verdict signal of the page (for Enter, send buttons, files). */
export function nextVerdict(page, timeoutMs = 10000) {
  return page.evaluate((timeoutMs) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no verdict signal')), timeoutMs);
    document.addEventListener('promptwall:verdict', function on(e) {
      const d = JSON.parse(e.detail);
      if (!d.action) return;
      clearTimeout(timer);
      document.removeEventListener('promptwall:verdict', on);
      resolve(d);
    });
  }), timeoutMs);
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function pct(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
