// Admin console in real Chromium (Debian's /usr/bin/chromium via playwright-core): starts the
// seeded demo server (server/examples/demo.rs), signs in with the admin token, visits every page,
// checks what a person would see, and saves screenshots to target/server-artifacts/.
// Run: cargo build -p promptwall-server --examples && node server/console-test/screenshot.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const artifacts = join(root, "target", "server-artifacts");
mkdirSync(artifacts, { recursive: true });
const demoBin = join(root, "target", "debug", "examples", "demo");

function startDemo() {
  const proc = spawn(demoBin, [], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("demo server did not start in 60 s")), 60_000);
    proc.on("error", (e) => { clearTimeout(timer); reject(e); });
    proc.on("exit", (code) => { clearTimeout(timer); reject(new Error(`demo server exited with ${code}`)); });
    createInterface({ input: proc.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve({ proc, ...JSON.parse(line) });
    });
  });
}

test("admin console in Chromium: sign in, overview charts, devices, policies, events", { timeout: 180_000 }, async () => {
  const demo = await startDemo();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

    await page.goto(demo.url + "/console/");
    await page.waitForSelector("#login:not([hidden])");
    // A wrong token is refused.
    await page.fill("#token", "pwa_wrong");
    await page.click("#login-form button");
    await page.waitForFunction(() => document.getElementById("login-error").textContent.includes("refused"));
    await page.screenshot({ path: join(artifacts, "console-0-login.png") });
    await page.fill("#token", demo.admin_token);
    await page.click("#login-form button");
    await page.waitForFunction(() => document.body.dataset.loaded === "overview");

    // Overview: three stacked charts with bars, top lists filled.
    const bars = await page.$$eval("#chart-action svg rect", (r) => r.length);
    assert.ok(bars > 10, `action chart has ${bars} bars`);
    for (const id of ["#chart-category", "#chart-site"]) {
      assert.ok((await page.$$eval(id + " svg rect", (r) => r.length)) > 5, id + " has bars");
    }
    const legend = await page.textContent("#chart-action .legend");
    for (const a of ["block", "redact", "warn"]) assert.ok(legend.includes(a), `legend shows ${a}: ${legend}`);
    assert.ok((await page.textContent("#chart-category .legend")).includes("SECRET"));
    assert.equal(await page.$$eval("#top-detectors .bar-row", (r) => r.length), 10);
    assert.ok((await page.textContent("#top-sites")).includes("chatgpt.com"));
    assert.match(await page.textContent("#total"), /^660 events/);
    await page.screenshot({ path: join(artifacts, "console-1-overview.png"), fullPage: true });
    await page.selectOption("#bucket", "day");
    await page.waitForFunction(() => document.querySelectorAll("#chart-action svg rect").length > 0);
    await page.screenshot({ path: join(artifacts, "console-1b-overview-daily.png") });

    // Devices with the policy version each runs.
    await page.click("nav a[data-page=devices]");
    await page.waitForFunction(() => document.body.dataset.loaded === "devices");
    const rows = await page.$$eval("#device-rows tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.equal(rows.length, 12);
    const byId = Object.fromEntries(rows.map((r) => [r[0], r]));
    assert.equal(byId["eng-laptop-01"][5], "v3");
    assert.equal(byId["eng-laptop-00"][5], "v2");
    assert.match(byId["eng-laptop-00"][8], /behind \(v3 published\)/);
    assert.equal(byId["sales-mac-10"][8], "revoked");
    assert.equal(byId["sales-mac-11"][3], "never");
    await page.screenshot({ path: join(artifacts, "console-2-devices.png"), fullPage: true });
    // A new enrollment token from the console works for a real enrollment.
    await page.fill("#enroll-form input[name=group]", "contractors");
    await page.click("#enroll-form button");
    await page.waitForFunction(() => document.getElementById("new-token").textContent.startsWith("pwe_"));
    const newToken = (await page.textContent("#new-token")).split(" ")[0];
    const enr = await fetch(demo.url + "/api/v1/enroll", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: newToken, device_id: "contractor-01", hostname: "c1" }) });
    assert.equal(enr.status, 201);
    // Revoke from the console.
    page.once("dialog", (d) => d.accept());
    await page.click("button.revoke[data-device=eng-laptop-07]");
    await page.waitForFunction(() => [...document.querySelectorAll("#device-rows tr")].some((tr) => tr.children[0].textContent === "eng-laptop-07" && tr.children[8].textContent === "revoked"));
    await page.screenshot({ path: join(artifacts, "console-2b-devices-after-revoke.png"), fullPage: true });
    // A taken id is not handed out again: enrolling as eng-laptop-07 gets a fresh id...
    const token = async () => (await (await fetch(demo.url + "/api/v1/admin/enrollment-tokens", { method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + demo.admin_token }, body: JSON.stringify({ group: "engineering" }) })).json()).token;
    const enroll07 = async () => (await (await fetch(demo.url + "/api/v1/enroll", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: await token(), device_id: "eng-laptop-07", hostname: "reinstalled" }) })).json());
    const fresh = await enroll07();
    assert.notEqual(fresh.device_id, "eng-laptop-07");
    assert.match(fresh.redaction_key, /^[0-9a-f]{64}$/);
    // ...until the admin allows re-enrollment from the console.
    page.once("dialog", (d) => d.accept());
    await page.click("button.reenroll[data-device=eng-laptop-07]");
    await page.waitForFunction(() => document.getElementById("new-token").textContent.startsWith("eng-laptop-07 may be re-enrolled"));
    assert.equal((await enroll07()).device_id, "eng-laptop-07");
    await page.reload();
    await page.waitForFunction(() => [...document.querySelectorAll("#device-rows tr")].some((tr) => tr.children[0].textContent === "eng-laptop-07" && tr.children[8].textContent !== "revoked"));

    // Policies: active bundle per group and its history.
    await page.click("nav a[data-page=policies]");
    await page.waitForFunction(() => document.body.dataset.loaded === "policies");
    const groups = await page.textContent("#groups");
    assert.ok(groups.includes("Group engineering"));
    assert.ok(groups.includes("Current: v3 “engineering policy”"));
    assert.ok(groups.includes("Current: v1 “sales policy”"));
    assert.equal(await page.$$eval("#groups .group", (gs) => gs.find((g) => g.querySelector("h2").textContent.includes("engineering")).querySelectorAll("tbody tr").length), 3);
    assert.ok(groups.includes("Group contractors · 1 device(s)") && groups.includes("No bundle published for this group."));
    await page.screenshot({ path: join(artifacts, "console-3-policies.png"), fullPage: true });

    // Trusted keys: the start-up flag and the key the demo added through the API.
    const keyState = async (id) => page.$eval(`#key-rows tr[data-key="${id}"]`, (tr) => [...tr.children].map((td) => td.textContent));
    assert.deepEqual((await keyState("security-2026")).slice(0, 3), ["security-2026", "--trusted-key", "active"]);
    assert.deepEqual((await keyState("security-2027")).slice(0, 3), ["security-2027", "API", "active"]);
    // Upload from the console: a tampered copy of the demo's unpublished v4 is refused with the
    // server's reason; the real file is published, becomes current, and the history names the
    // audience, the signing key and the admin who uploaded it.
    const { readFileSync: readFile, writeFileSync } = await import("node:fs");
    const tampered = join(artifacts, "engineering-v4-tampered.bundle.json");
    writeFileSync(tampered, readFile(demo.upload_bundle, "utf8").replace("engineering policy", "engineering po1icy"));
    await page.setInputFiles("#upload-file", tampered);
    await page.waitForFunction(() => document.getElementById("upload-group").value === "engineering");
    await page.click("#upload-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("upload-result").textContent.startsWith("Refused"));
    assert.match(await page.textContent("#upload-result"), /^Refused \(bad_bundle\): .*signature/);
    await page.setInputFiles("#upload-file", demo.upload_bundle);
    await page.click("#upload-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("upload-result").textContent.startsWith("Published"));
    assert.match(await page.textContent("#upload-result"), /^Published v4 to engineering \(signed with security-2027\)/);
    await page.waitForFunction(() => document.getElementById("groups").textContent.includes("Current: v4"));
    const hist = await page.$$eval('#groups .group[data-group=engineering] table.history tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.equal(hist.length, 4);
    assert.deepEqual([hist[0][0], hist[0][2], hist[0][3]], ["v4 (current)", "engineering", "security-2027"]);
    assert.match(hist[0][5], /^initial \([0-9a-f]{8}\)$/);
    assert.deepEqual([hist[1][0], hist[1][2], hist[1][3]], ["v3", "*", "security-2026"]);
    await page.screenshot({ path: join(artifacts, "console-3b-policies-uploaded.png"), fullPage: true });
    // Publishing the same version again is a rollback, refused.
    await page.setInputFiles("#upload-file", demo.upload_bundle);
    await page.click("#upload-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("upload-result").textContent.startsWith("Refused (rollback)"));
    // Retire the API key from the console.
    page.once("dialog", (d) => d.accept());
    await page.click('button.retire-key[data-key="security-2027"]');
    await page.waitForFunction(() => document.querySelector('#key-rows tr[data-key="security-2027"]').children[2].textContent === "retired");

    // Events with a filter, then the CSV download.
    await page.click("nav a[data-page=events]");
    await page.waitForFunction(() => document.body.dataset.loaded === "events");
    assert.equal(await page.$$eval("#event-rows tr", (r) => r.length), 100);
    assert.equal(await page.isVisible("#more"), true);
    await page.selectOption("select[name=action]", "block");
    await page.click("#event-filter button[type=submit]");
    await page.waitForFunction(() => [...document.querySelectorAll("#event-rows .pill")].every((p) => p.textContent === "block"));
    const pills = await page.$$eval("#event-rows .pill", (p) => p.map((x) => x.textContent));
    assert.ok(pills.length > 0 && pills.every((p) => p === "block"));
    await page.screenshot({ path: join(artifacts, "console-4-events-blocked.png") });
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
    const csvPath = join(artifacts, "console-events-blocked.csv");
    await download.saveAs(csvPath);
    const { readFileSync } = await import("node:fs");
    const csv = readFileSync(csvPath, "utf8").trim().split("\r\n");
    assert.ok(csv[0].startsWith("event_id,time,"));
    assert.equal(csv.length - 1, pills.length < 100 ? pills.length : csv.length - 1);
    assert.ok(csv.slice(1).every((l) => l.split(",")[8] === "block"));

    // Sign out clears the token.
    await page.click("#logout");
    await page.waitForSelector("#login:not([hidden])");
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    // The one 401 is the wrong token tried on purpose above, the 422 the tampered bundle, the 409
    // the re-sent version.
    assert.deepEqual(errors.filter((e) => !/status of (401|422|409)/.test(e)), [], "no page errors");
  } finally {
    await browser.close();
    demo.proc.stdin.end();
    demo.proc.kill();
  }
});
