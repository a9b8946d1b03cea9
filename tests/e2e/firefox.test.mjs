// End-to-end tests in Firefox (firefox-esr) driven by puppeteer-core over WebDriver BiDi: the
// development build installed as a temporary add-on, the host manifest under
// $HOME/.mozilla/native-messaging-hosts/ (HOME is a fresh directory per browser), the real
// `promptwall` native host and daemon, and real input: Ctrl+C/Ctrl+V through the clipboard
// (a synthetic paste event arrives empty in Firefox), typed keys, clicks in the overlay.
// Covers: redact and clean paste (decided by the daemon), block, warn with a required
// justification (recorded), typed secrets stopped on Enter, typed clean text sent once, the send
// button, and the fail modes (open: a notice; closed: a block) when the agent is gone.
// Run: bash scripts/test-browser.sh (required in CI), or cd tests/e2e && node --test firefox.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { Agent, ARTIFACTS, HOST_NAME, REPO, nextVerdict, signalCount, until, servePages, waitSignal } from './harness.mjs';
import { cardNumber, customerRecord, githubToken, privateKey, prose, rng } from './fixtures.mjs';

const GECKO_ID = 'promptwall@promptwall.invalid';
const FIREFOX = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
const EXT = join(REPO, 'extension/dist/firefox-dev');
const OVERLAY = 'promptwall-overlay';
const DIALOG = `${OVERLAY} >>> .dialog`;
const TOAST = `${OVERLAY} >>> .toast`;

/** Firefox with the development add-on and `agent`'s host manifest in a fresh HOME. */
async function launchFirefox(agent) {
  if (!FIREFOX) throw new Error('Firefox not found (apt-get install firefox-esr, or set FIREFOX_PATH)');
  if (!existsSync(join(EXT, 'manifest.json'))) throw new Error(`${EXT} not built: cd extension && npm run build`);
  const home = mkdtempSync(join(tmpdir(), 'pw-e2e-ffhome-'));
  const dir = join(home, '.mozilla/native-messaging-hosts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${HOST_NAME}.json`), JSON.stringify({
    name: HOST_NAME, description: 'Promptwall agent (test)', path: agent.hostScript, type: 'stdio', allowed_extensions: [GECKO_ID],
  }));
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true,
    env: { ...process.env, HOME: home, MOZ_HEADLESS: '1' },
    extraPrefsFirefox: { 'extensions.webextensions.restrictedDomains': '', 'xpinstall.signatures.required': false },
  });
  await browser.installExtension(EXT);
  return browser;
}

/** A test page with the extension's verdict signals recorded from its first script on. */
async function openPage(browser, url) {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument(() => {
    window.__pwSignals = [];
    document.addEventListener('promptwall:verdict', (e) => { window.__pwSignals.push(JSON.parse(e.detail)); });
  });
  await page.goto(url);
  await page.waitForSelector('html[data-promptwall-ready]', { timeout: 15000 });
  return page;
}

const composer = (page) => page.$eval('#composer', (el) => el.value);
const clear = (page) => page.$eval('#composer', (el) => { el.value = ''; });

/** A real paste: the text goes on the clipboard with Ctrl+C from the page's plain input, then
 * Ctrl+V in the composer. Resolves with the verdict signal (and waits for the insertion when the
 * text is let in). */
async function paste(page, text, { timeoutMs = 15000 } = {}) {
  await page.$eval('#clip', (el, t) => { el.value = t; }, text);
  await page.focus('#clip');
  await page.$eval('#clip', (el) => el.select());
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyC');
  await page.keyboard.up('Control');
  await page.$eval('#clip', (el) => { el.value = ''; });
  await page.focus('#composer');
  const mark = await signalCount(page);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyV');
  await page.keyboard.up('Control');
  return waitSignal(page, mark, { timeoutMs, what: 'the verdict of a paste in Firefox' });
}

async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `firefox-${name}.png`) });
}

describe('Firefox: extension with the real host and daemon', () => {
  let server, agent, browser;

  before(async () => {
    server = await servePages();
    agent = new Agent({ name: 'firefox' });
    await agent.startDaemon();
    browser = await launchFirefox(agent);
  });

  after(async () => {
    await browser?.close();
    await agent?.stopDaemon();
    await server?.close();
  });

  it('redacts a pasted card number and lets clean text through', async () => {
    const r = rng(21);
    const page = await openPage(browser, server.url('textarea.html'));
    const card = cardNumber(r);
    const v = await paste(page, `card ${card} please`);
    assert.equal(v.action, 'redact');
    const value = await composer(page);
    assert.ok(value.startsWith('card ') && !value.includes(card), `the card number was replaced: ${value}`);
    assert.equal(await page.evaluate(() => PW.pastes), 0, "the page's paste listener never saw it");
    await shot(page, 'redact-card');
    await clear(page);
    const clean = prose(r, 200);
    assert.equal((await paste(page, clean)).action, 'allow');
    assert.equal(await composer(page), clean);
    await until(() => agent.events().some((e) => e.action === 'redact' && e.site === '127.0.0.1'), 'the redact event');
    await page.close();
  });

  it('blocks a pasted private key with the dialog', async () => {
    const page = await openPage(browser, server.url('textarea.html'));
    assert.equal((await paste(page, privateKey(rng(22)))).action, 'block');
    const dialog = await page.waitForSelector(`${DIALOG}[data-kind=block]`, { timeout: 15000 });
    assert.match(await dialog.evaluate((d) => d.textContent), /private key/i);
    assert.equal(await composer(page), '');
    await shot(page, 'block-private-key');
    await page.close();
  });

  it('warns on customer data; Proceed asks for a reason; the choice is recorded', async () => {
    const page = await openPage(browser, server.url('textarea.html'));
    const text = customerRecord(rng(23));
    assert.equal((await paste(page, text)).action, 'warn');
    const dialog = await page.waitForSelector(DIALOG, { timeout: 15000 });
    assert.match(await dialog.evaluate((d) => d.textContent), /Phone number/);
    assert.equal(await composer(page), '', 'nothing inserted while the dialog is open');
    await (await page.waitForSelector(`${OVERLAY} >>> [data-action=proceed]`)).click();
    const reason = await page.waitForSelector(`${OVERLAY} >>> [data-role=justification]`);
    const send = await page.waitForSelector(`${OVERLAY} >>> [data-action=send-justified]`);
    assert.equal(await send.evaluate((b) => b.disabled), true, 'a reason is required');
    await reason.type('Ticket 4411: customer asked for the refund reply');
    await until(() => send.evaluate((b) => !b.disabled), 'the send button to be enabled');
    await shot(page, 'warn-justification');
    await send.click();
    await until(async () => (await composer(page)) === text, 'the text to be inserted');
    const decided = await until(() => agent.events().find((e) => e.choice === 'proceed_with_justification'), 'the user decision event');
    assert.equal(decided.justification, 'Ticket 4411: customer asked for the refund reply');
    assert.equal(decided.action, 'warn');
    await page.close();
  });

  it('stops a typed secret on Enter before the page’s own submit handler', async () => {
    const page = await openPage(browser, server.url('textarea.html'));
    await page.click('#composer');
    await page.keyboard.type(`use token ${githubToken(rng(24))} for the CI`);
    const verdict = nextVerdict(page, 15000);
    await page.keyboard.press('Enter');
    assert.equal((await verdict).action, 'block');
    await page.waitForSelector(DIALOG, { timeout: 15000 });
    assert.deepEqual(await page.evaluate(() => PW.sent), [], 'the page never sent it');
    assert.match(await composer(page), /use token ghp_/, 'the text stays in the composer for the user to fix');
    await shot(page, 'block-typed-secret-enter');
    await page.close();
  });

  it('sends clean typed text once on Enter; the send button sends a typed card redacted', async () => {
    const page = await openPage(browser, server.url('textarea.html'));
    await page.click('#composer');
    await page.keyboard.type('what is a good name for a sourdough starter');
    let verdict = nextVerdict(page, 15000);
    await page.keyboard.press('Enter');
    assert.equal((await verdict).action, 'allow');
    await until(() => page.evaluate(() => PW.sent.length === 1), 'the send');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await page.evaluate(() => PW.sent), ['what is a good name for a sourdough starter'], 'sent exactly once');
    const card = cardNumber(rng(25));
    await page.click('#composer');
    await page.keyboard.type(`charge ${card} please`);
    verdict = nextVerdict(page, 15000);
    await page.click('#send');
    assert.equal((await verdict).action, 'redact');
    await until(() => page.evaluate(() => PW.sent.length === 2), 'the second send');
    const sent = await page.evaluate(() => PW.sent[1]);
    assert.ok(sent.startsWith('charge ') && !sent.includes(card), `sent redacted: ${sent}`);
    await page.close();
  });

  it('agent missing: fail-open (the default policy) lets text in with a notice', async () => {
    const page = await openPage(browser, server.url('textarea.html'));
    assert.equal((await paste(page, 'warm up')).action, 'allow');
    agent.setHost('missing');
    for (const pid of agent.hostPids()) process.kill(pid, 'SIGKILL');
    await until(() => agent.hostPids().length === 0, 'the host to be gone');
    await clear(page);
    const v = await paste(page, 'text while the agent is gone');
    assert.equal(v.action, 'unavailable');
    assert.equal(v.by, 'open');
    assert.equal(await composer(page), 'text while the agent is gone');
    const toast = await page.waitForSelector(TOAST, { timeout: 15000 });
    assert.match(await toast.evaluate((t) => t.textContent), /not reachable/);
    await shot(page, 'fail-open-notice');
    agent.setHost('real');
    await page.close();
  });
});

describe('Firefox: fail-closed policy', () => {
  let server, agent, browser;

  before(async () => {
    server = await servePages();
    agent = new Agent({ name: 'firefox-closed', failMode: 'closed' });
    browser = await launchFirefox(agent);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('agent missing: fail-closed blocks with an explanation', async () => {
    const page = await openPage(browser, server.url('textarea.html'));
    // The background learns the policy's fail mode from the agent, then the agent goes away.
    assert.equal((await paste(page, 'warm up')).action, 'allow');
    agent.setHost('missing');
    for (const pid of agent.hostPids()) process.kill(pid, 'SIGKILL');
    await until(() => agent.hostPids().length === 0, 'the host to be gone');
    await clear(page);
    const v = await paste(page, 'text while the agent is gone');
    assert.equal(v.action, 'unavailable');
    assert.equal(v.by, 'closed');
    const dialog = await page.waitForSelector(DIALOG, { timeout: 15000 });
    assert.match(await dialog.evaluate((d) => d.textContent), /blocks pasting and sending/);
    assert.equal(await composer(page), '');
    await shot(page, 'fail-closed-block');
    await page.close();
  });
});
