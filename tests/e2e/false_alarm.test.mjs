// The false-alarm loop end to end (issue 18 part 2), with every part real: promptwall-server
// (SQLite), the agent enrolled to it (daemon syncing signed bundles and uploading events, native
// host started by the browser) and Chromium with the development extension.
//
// paste -> warn -> "Not sensitive?" with a reason -> the report reaches the server -> the admin
// approves the value in the console's review queue -> exports the group's exceptions, signs them into the
// next bundle with `promptwall policy sign --exceptions` and publishes it -> the device syncs ->
// the same paste passes, and its event names the exception. A redact notice offers the report
// too, and a policy with `let_through` lets a reported warning in. Then: no raw value is anywhere in
// the server's files, its API, its log, the daemon's log or the agent's files.
//
// Needs: cargo build -p promptwall -p promptwall-server; extension built (npm run build).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, BIN, REPO, launchChromium, openPage, paste, servePages, shot, until } from './harness.mjs';

const SERVER_BIN = resolve(process.env.PROMPTWALL_SERVER_BIN ?? join(REPO, 'target/debug/promptwall-server'));
const OVERLAY = 'promptwall-overlay';
const DIALOG = `${OVERLAY} .dialog`;
// A synthetic address that is not sensitive for this company (a QA fixture): flagged, then excepted.
const VALUE = 'qa-fixture.7315@northwind-labs.io';
const TEXT = `Use ${VALUE} as the sender in the staging test plan.`;
const REASON = 'This is the shared QA fixture account from our test plan';
// For the policy that lets reported warnings through, and for a redaction's report.
const VALUE2 = 'ops-bridge.2208@northwind-labs.io';
const CARD = '4539 1488 0343 6467';
const TOAST = `${OVERLAY} .toast`;

describe('the false-alarm loop with the real server, agent and browser', () => {
  let pages, agent, context, server, url, admin, daemon;
  let serverLog = '', daemonLog = '';
  const procs = [];

  const api = async (method, path, body) => {
    const r = await fetch(url + '/api/v1' + path, { method, headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body });
    const text = await r.text();
    return { status: r.status, text, json: text ? JSON.parse(text) : null };
  };
  const cli = (...args) => execFileSync(BIN, args, { env: agent.env, encoding: 'utf8' });
  const keys = () => join(agent.root, 'keys');

  /** Signs policy.json (with `extra` CLI arguments) as `version` for group eng and publishes it. */
  async function publish(version, extra = []) {
    const out = join(agent.root, `bundle-${version}.json`);
    cli('policy', 'sign', join(agent.root, 'fleet-policy.json'), '--key', join(keys(), 'fleet.key'), '--key-id', 'fleet', '--version', String(version), '--group', 'eng', ...extra, '-o', out);
    const r = await api('POST', '/admin/policies/eng', readFileSync(out));
    assert.equal(r.status, 201, r.text);
    await until(() => cli('status').includes(`(version ${version}`), `the device to run bundle v${version}`, 60000, 250);
  }

  before(async () => {
    if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} not found: cargo build -p promptwall-server`);
    pages = await servePages();
    agent = new Agent({ name: 'false-alarm' });
    // The policy comes from the server's signed bundles, not from an override file.
    delete agent.env.PROMPTWALL_POLICY;
    writeFileSync(agent.hostScript, `#!/bin/sh\nexport PROMPTWALL_DATA_DIR='${agent.dataDir}'\nexport PROMPTWALL_RUNTIME_DIR='${agent.runDir}'\nexport PROMPTWALL_CONFIG='${agent.configFile}'\nexec '${BIN}' native-host "$@"\n`);

    mkdirSync(keys());
    cli('policy', 'keygen', 'fleet', '--dir', keys());
    const srv = spawn(SERVER_BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', join(agent.root, 'server'), '--trusted-key', join(keys(), 'fleet.pub')],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PROMPTWALL_LOG: 'debug' } });
    procs.push(srv);
    srv.stderr.on('data', (b) => { serverLog += b; });
    ({ url, admin } = await new Promise((done, fail) => {
      let token = null;
      srv.on('exit', (c) => fail(new Error(`server exited ${c}`)));
      createInterface({ input: srv.stdout }).on('line', (line) => {
        serverLog += line + '\n';
        const t = line.match(/created one in (\S+) \(/);
        if (t) token = readFileSync(t[1], 'utf8').trim();
        const m = line.match(/listening on (http:\/\/\S+)/);
        if (m) done({ url: m[1], admin: token });
      });
    }));

    // The fleet policy: the default, the test pages' hosts as AI sites, and a warning on any
    // e-mail address (reports on, the verdict kept: the default).
    cli('policy', 'init', join(agent.root, 'fleet-policy.json'));
    const policy = JSON.parse(readFileSync(join(agent.root, 'fleet-policy.json'), 'utf8'));
    policy.name = 'false-alarm e2e';
    policy.sites.ai = ['127.0.0.1', 'localhost'];
    policy.rules.unshift({ id: 'warn-email', match: { types: ['EMAIL'] }, action: 'warn', message: 'E-mail addresses: check before you share.' });
    writeFileSync(join(agent.root, 'fleet-policy.json'), JSON.stringify(policy, null, 2));

    // Enrollment into group eng, a daemon that syncs and uploads every second.
    const et = await api('POST', '/admin/enrollment-tokens', JSON.stringify({ group: 'eng', uses: 1 }));
    assert.equal(et.status, 201, et.text);
    const pub = readFileSync(join(keys(), 'fleet.pub'), 'utf8').trim();
    writeFileSync(agent.configFile, JSON.stringify({ server_url: url, trusted_keys: [{ key_id: 'fleet', public_key: pub }],
      sync_interval_s: 1, upload_interval_s: 1, backoff_max_s: 2, credential_store: 'file' }));
    assert.match(cli('enroll', '--server', url, '--token', et.json.token), /enrolled device/);
    daemon = spawn(BIN, ['daemon'], { env: agent.env, stdio: ['ignore', 'ignore', 'pipe'] });
    procs.push(daemon);
    daemon.stderr.on('data', (b) => { daemonLog += b; });
    await until(() => existsSync(join(agent.runDir, 'agent.sock')), 'the daemon socket', 20000);
    await publish(5);
    ({ context } = await launchChromium(agent));
  });

  after(async () => {
    await context?.close();
    for (const p of procs.reverse()) { try { p.kill('SIGTERM'); } catch { /* gone */ } }
    await pages?.close();
  });

  it('report -> approve -> publish -> sync: the same paste passes, and the event says why', async () => {
    // 1. The paste is warned about; the dialog offers "Not sensitive?".
    let page = await openPage(context, pages.url('textarea.html'));
    const v = await paste(page, '#composer', TEXT);
    assert.equal(v.action, 'warn');
    const dialog = page.locator(DIALOG);
    await dialog.waitFor();
    await dialog.locator('[data-action=not-sensitive]').click();
    await dialog.locator('[data-role=report-reason]').fill(REASON);
    await shot(page, 'false-alarm-report');
    await dialog.locator('[data-action=send-report]').click();
    const result = dialog.locator('[data-role=report-result]');
    await result.waitFor();
    assert.match(await result.innerText(), /Reported/);
    // The verdict stands (the policy keeps it): the user still decides; Cancel leaves nothing.
    await dialog.locator('[data-action=cancel]').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => PW.model()), '');
    await page.close();

    // 2. The report reaches the server; the queue groups it by detector and value hash.
    const group = await until(async () => {
      const r = await api('GET', '/admin/false-alarms');
      return r.json?.groups?.find((g) => g.type === 'EMAIL' && g.status === 'open');
    }, 'the report in the review queue', 30000, 250);
    assert.equal(group.reports, 1);
    assert.equal(group.devices, 1);
    assert.deepEqual(group.sites, ['127.0.0.1']);
    assert.deepEqual(group.sample_reasons, [REASON]);
    assert.match(group.value_hash, /^[0-9a-f]{64}$/);
    const rate = (await api('GET', '/admin/false-alarms')).json.detectors.find((d) => d.detector === group.detector);
    assert.ok(rate.reports === 1 && rate.findings >= 1, JSON.stringify(rate));

    // 3. In the console, the admin sees the queue and the rate, and approves that exact value for
    // the group, for 30 days.
    const consolePage = await context.newPage();
    await consolePage.goto(`${url}/console/#false-alarms`);
    await consolePage.fill('#token', admin);
    await consolePage.click('#login-form button');
    await consolePage.waitForFunction(() => document.body.dataset.loaded === 'false-alarms');
    const row = consolePage.locator(`#fa-rows tr[data-hash="${group.value_hash}"]`);
    const shown = await row.innerText();
    assert.ok(shown.includes(group.detector) && shown.includes(REASON) && shown.includes('1 report(s), 1 device(s)'), shown);
    assert.match(await consolePage.locator(`#fa-rates tr[data-detector="${group.detector}"] td.rate`).innerText(), /%/);
    await row.locator('select[name=kind]').selectOption('value');
    await row.locator('input[name=groups]').fill('eng');
    await row.locator('input[name=days]').fill('30');
    await row.locator('input[name=note]').fill('QA fixture');
    await shot(consolePage, 'false-alarm-console-queue');
    await row.locator('[data-action=approve]').click();
    await consolePage.locator('#fa-exceptions tr[data-exception]').waitFor();
    await shot(consolePage, 'false-alarm-console-approved');
    await consolePage.close();
    const review = (await api('GET', '/admin/false-alarms')).json.reviews.find((r) => r.status === 'approved');
    assert.deepEqual([review.exception.value_hash, review.exception.groups, review.exception.sites ?? []], [group.value_hash, ['eng'], []]);
    assert.ok(Math.abs(review.exception.expires - (Date.now() / 1000 + 30 * 86400)) < 300);
    const exceptionId = review.id;

    // 4. Exported, signed into the next bundle with the policy, published; the device syncs it.
    const exported = await api('GET', '/admin/exceptions?group=eng');
    assert.deepEqual(exported.json.findings.map((e) => e.id), [exceptionId]);
    writeFileSync(join(agent.root, 'exceptions.json'), exported.text);
    await publish(6, ['--exceptions', join(agent.root, 'exceptions.json')]);

    // 5. The same paste passes now, and the agent's event names the exception.
    page = await openPage(context, pages.url('textarea.html'));
    const again = await paste(page, '#composer', TEXT);
    assert.equal(again.action, 'allow');
    assert.equal(await page.evaluate(() => PW.model()), TEXT);
    await shot(page, 'false-alarm-excepted');
    await page.close();
    const ev = await until(async () => {
      const r = await api('GET', '/admin/events?limit=50');
      return r.json.events.find((e) => (e.exceptions_applied ?? []).includes(exceptionId));
    }, 'the excepted decision on the server', 30000, 250);
    assert.equal(ev.action, 'allow');
    assert.equal(ev.policy_version, 6);
    const report = (await api('GET', '/admin/events?limit=50')).json.events.find((e) => e.trigger === 'false_alarm_report');
    assert.equal(report.false_alarm.reason, REASON);
    assert.equal(report.false_alarm.findings[0].value_hash, group.value_hash);
  });

  it('a redaction offers "Not sensitive?" too; a policy with let_through lets a reported warning through', async () => {
    const policy = JSON.parse(readFileSync(join(agent.root, 'fleet-policy.json'), 'utf8'));
    policy.false_alarm_reports = { enabled: true, let_through: true };
    writeFileSync(join(agent.root, 'fleet-policy.json'), JSON.stringify(policy, null, 2));
    await publish(7);
    const page = await openPage(context, pages.url('textarea.html'));
    // A redaction: the notice carries the report control; the redaction stays.
    const red = await paste(page, '#composer', `card ${CARD}`);
    assert.equal(red.action, 'redact');
    const toast = page.locator(`${TOAST}[data-kind=redact]`);
    await toast.locator('[data-action=not-sensitive]').click();
    await toast.locator('[data-role=report-reason]').fill('test card from the payment sandbox');
    await toast.locator('[data-action=send-report]').click();
    assert.match(await toast.locator('[data-role=report-result]').innerText(), /Reported/);
    assert.ok(!(await page.evaluate(() => PW.model())).includes(CARD), 'the redaction stands');
    await page.evaluate(() => PW.clear());
    // A warning under let_through: reporting it lets the paste in, as its decision.
    const text = `Forward the alerts to ${VALUE2} tonight.`;
    const warn = await paste(page, '#composer', text);
    assert.equal(warn.action, 'warn');
    const dialog = page.locator(DIALOG);
    await dialog.locator('[data-action=not-sensitive]').click();
    await dialog.locator('[data-action=send-report]').click();
    await dialog.waitFor({ state: 'detached' });
    await until(async () => (await page.evaluate(() => PW.model())) === text, 'the reported paste to go in');
    await page.close();
    const reports = await until(async () => {
      const r = (await api('GET', '/admin/events?limit=100')).json.events.filter((e) => e.trigger === 'false_alarm_report' && e.policy_version === 7);
      return r.length === 2 ? r : null;
    }, 'both reports on the server', 30000, 250);
    const byAction = Object.fromEntries(reports.map((e) => [e.action, e]));
    assert.equal(byAction.redact.false_alarm.let_through, false, 'a redaction is never let through');
    assert.equal(byAction.redact.false_alarm.findings[0].type, 'CREDIT_CARD');
    assert.equal(byAction.warn.false_alarm.let_through, true);
    assert.equal(byAction.warn.choice, 'proceed');
  });

  it('the raw values are nowhere: server database, API, logs, agent event store', async () => {
    await until(async () => (await api('GET', '/admin/events?limit=500')).json.events.filter((e) => e.trigger === 'false_alarm_report').length === 3,
      'every report uploaded', 30000, 250);
    for (const value of [VALUE, VALUE2, CARD, CARD.replace(/ /g, '')]) await nowhere(value);
  });

  async function nowhere(VALUE) {
    const needle = Buffer.from(VALUE);
    const files = (dir) => readdirSync(dir, { recursive: true }).map((f) => join(dir, f)).filter((f) => { try { return readFileSync(f) && true; } catch { return false; } });
    for (const f of [...files(join(agent.root, 'server')), ...files(agent.dataDir)]) {
      assert.ok(!readFileSync(f).includes(needle), `the value is in ${f}`);
    }
    const events = await api('GET', '/admin/events?limit=500');
    const queue = await api('GET', '/admin/false-alarms');
    const csv = await fetch(url + '/api/v1/admin/events.csv', { headers: { Authorization: `Bearer ${admin}` } }).then((r) => r.text());
    for (const [what, text] of [['events API', events.text], ['queue API', queue.text], ['CSV export', csv], ['server log', serverLog], ['daemon log', daemonLog]]) {
      assert.ok(!text.includes(VALUE), `the value is in the ${what}`);
    }
    assert.ok(events.text.includes('false_alarm_report') && serverLog.length > 0, 'there was something to search');
  }
});
