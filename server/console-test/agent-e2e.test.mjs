// End to end with the real agent: promptwall-server (the real binary, SQLite) and the real
// `promptwall` agent (CLI enroll, daemon syncing policy and uploading events, native host making
// decisions). An admin pushes a signed bundle; the agent enrolls, receives it, a paste of a secret
// is blocked under it, the event reaches the server, and the admin sees it in the console
// (Chromium), with a screenshot in target/server-artifacts/.
// Needs: cargo build -p promptwall -p promptwall-server
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const artifacts = join(root, "target", "server-artifacts");
mkdirSync(artifacts, { recursive: true });
const agentBin = join(root, "target", "debug", "promptwall");
const serverBin = join(root, "target", "debug", "promptwall-server");
const SECRET = "key AKIAT4SYWB5WKH7DNSIP";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, secs, f) {
  const end = Date.now() + secs * 1000;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting for: " + what);
    await sleep(200);
  }
}

test("real agent: enroll, receive a pushed bundle, produce events, see them in the console", { timeout: 240_000 }, async () => {
  const d = mkdtempSync(join(tmpdir(), "pw-agent-e2e-"));
  const env = { ...process.env, PROMPTWALL_DATA_DIR: join(d, "data"), PROMPTWALL_RUNTIME_DIR: join(d, "run"), PROMPTWALL_CONFIG: join(d, "agent.json") };
  delete env.PROMPTWALL_POLICY; delete env.RUST_LOG; delete env.PROMPTWALL_LOG;
  const agent = (...args) => execFileSync(agentBin, args, { env, encoding: "utf8" });
  const procs = [];
  let browser;
  try {
    // Admin's signing key: the private half stays with the admin, the server only trusts the public half.
    mkdirSync(join(d, "keys"));
    agent("policy", "keygen", "fleet-2026", "--dir", join(d, "keys"));
    const pub = readFileSync(join(d, "keys", "fleet-2026.pub"), "utf8").trim();

    const server = spawn(serverBin, ["serve", "--listen", "127.0.0.1:0", "--data-dir", join(d, "server"), "--trusted-key", join(d, "keys", "fleet-2026.pub")],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, PROMPTWALL_LOG: "warn" } });
    procs.push(server);
    const { url, admin } = await new Promise((resolve, reject) => {
      let admin = null;
      server.on("exit", (c) => reject(new Error("server exited " + c)));
      createInterface({ input: server.stdout }).on("line", (line) => {
        // stdout says where the first admin token is (a 0600 file), never the token itself.
        assert.ok(!line.includes("pwa_"), "the admin token must not reach stdout");
        const t = line.match(/created one in (\S+) \(/);
        if (t) admin = readFileSync(t[1], "utf8").trim();
        const m = line.match(/listening on (http:\/\/\S+)/);
        if (m) resolve({ url: m[1], admin });
      });
    });
    assert.ok(admin && admin.startsWith("pwa_"), "first start wrote an admin token to a file and said where");
    const api = async (method, path, body, token = admin) => {
      const r = await fetch(url + "/api/v1" + path, { method, headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" }, body });
      const text = await r.text();
      return { status: r.status, json: text ? JSON.parse(text) : null };
    };

    // Admin: enrollment token for group "eng", and a signed bundle v5 published to it.
    const et = await api("POST", "/admin/enrollment-tokens", JSON.stringify({ group: "eng", uses: 1 }));
    assert.equal(et.status, 201);
    agent("policy", "init", join(d, "policy.json"));
    const pol = JSON.parse(readFileSync(join(d, "policy.json"), "utf8"));
    pol.name = "e2e fleet policy";
    writeFileSync(join(d, "policy.json"), JSON.stringify(pol));
    agent("policy", "sign", join(d, "policy.json"), "--key", join(d, "keys", "fleet-2026.key"), "--key-id", "fleet-2026", "--version", "5", "--group", "eng", "-o", join(d, "bundle.json"));
    const pub5 = await api("POST", "/admin/policies/eng", readFileSync(join(d, "bundle.json")));
    assert.equal(pub5.status, 201, JSON.stringify(pub5.json));

    // Agent: configuration (the same trusted key), enrollment with the one-time token.
    writeFileSync(join(d, "agent.json"), JSON.stringify({ server_url: url, trusted_keys: [{ key_id: "fleet-2026", public_key: pub }],
      sync_interval_s: 1, upload_interval_s: 1, backoff_max_s: 2, credential_store: "file" }));
    const out = agent("enroll", "--server", url, "--token", et.json.token);
    assert.match(out, /enrolled device/);
    assert.throws(() => agent("enroll", "--server", url, "--token", et.json.token), "the token is single-use");

    // Daemon: pulls the bundle and uploads events.
    const daemon = spawn(agentBin, ["daemon"], { env, stdio: ["ignore", "ignore", "pipe"] });
    procs.push(daemon);
    let daemonLog = "";
    daemon.stderr.on("data", (b) => { daemonLog += b; });
    await waitFor("the agent to run the pushed bundle", 60, () => /e2e fleet policy \(version 5/.test(agent("status")));

    // A paste of an AWS key through the native host: decided under v5.
    const host = spawn(agentBin, ["native-host"], { env, stdio: ["pipe", "pipe", "ignore"] });
    procs.push(host);
    const msg = Buffer.from(JSON.stringify({ v: 1, id: 1, type: "inspect", text: SECRET, url: "https://chatgpt.com/c/1", trigger: "paste" }));
    const len = Buffer.alloc(4); len.writeUInt32LE(msg.length);
    host.stdin.write(Buffer.concat([len, msg]));
    const reply = await new Promise((resolve) => {
      let buf = Buffer.alloc(0);
      host.stdout.on("data", (b) => {
        buf = Buffer.concat([buf, b]);
        if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) resolve(JSON.parse(buf.subarray(4, 4 + buf.readUInt32LE(0)).toString()));
      });
    });
    host.stdin.end();
    assert.equal(reply.policy_version, 5, JSON.stringify(reply));

    // Server: the event arrives (device id from the credential, policy v5), the inventory shows v5.
    const ev = await waitFor("the event on the server", 60, async () => {
      const r = await api("GET", "/admin/events?site=chatgpt.com");
      return r.json.events.length ? r.json.events[0] : null;
    });
    assert.equal(ev.policy_version, 5);
    assert.equal(ev.group, "eng");
    assert.ok(ev.entity_counts.AWS_ACCESS_KEY >= 1, JSON.stringify(ev));
    assert.ok(!JSON.stringify(ev).includes("AKIAT4SYWB5WKH7DNSIP"), "no pasted text reaches the server");
    const dev = await waitFor("a heartbeat with policy v5", 60, async () => {
      const r = await api("GET", "/admin/devices");
      const x = r.json.devices[0];
      return x && x.policy_version === 5 ? x : null;
    });
    assert.equal(dev.device_id, ev.device_id);
    assert.equal(dev.revoked, false);

    // Console: the admin sees the event and the device.
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    const page = await browser.newPage({ viewport: { width: 1360, height: 800 } });
    await page.goto(url + "/console/#events");
    await page.fill("#token", admin);
    await page.click("#login-form button");
    await page.waitForFunction(() => document.body.dataset.loaded === "events");
    const row = await page.textContent("#event-rows");
    assert.ok(row.includes(ev.device_id) && row.includes("chatgpt.com") && row.includes("AWS_ACCESS_KEY"), row);
    await page.screenshot({ path: join(artifacts, "e2e-agent-events.png") });
    await page.click("nav a[data-page=devices]");
    await page.waitForFunction(() => document.body.dataset.loaded === "devices");
    assert.ok((await page.textContent("#device-rows")).includes("v5"));
    await page.screenshot({ path: join(artifacts, "e2e-agent-devices.png") });

    // Revocation: the agent's next calls are refused.
    assert.equal((await api("POST", `/admin/devices/${encodeURIComponent(dev.device_id)}/revoke`, "{}")).status, 204);
    await waitFor("the daemon to see its credential refused", 30, () => /401/.test(daemonLog) || /unauthorized|revoked/i.test(daemonLog));
  } finally {
    if (browser) await browser.close();
    for (const p of procs.reverse()) { try { p.kill(); } catch (_) { /* gone */ } }
    await sleep(200);
    if (existsSync(d)) rmSync(d, { recursive: true, force: true });
  }
});
