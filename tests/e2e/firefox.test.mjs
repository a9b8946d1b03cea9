// Firefox smoke test: firefox-esr driven by puppeteer-core over WebDriver BiDi, the development
// build installed as a temporary add-on, the host manifest under $HOME/.mozilla/native-messaging-hosts/
// (HOME is a fresh directory for the run), and a real Ctrl+V (a synthetic paste event arrives
// empty in Firefox). Run: cd tests/e2e && node --test firefox.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { Agent, ARTIFACTS, HOST_NAME, REPO, servePages, until } from './harness.mjs';
import { cardNumber, privateKey, prose, rng } from './fixtures.mjs';

const GECKO_ID = 'promptwall@promptwall.invalid';
const FIREFOX = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
const EXT = join(REPO, 'extension/dist/firefox-dev');

describe('Firefox: smoke test with the real host', () => {
  let server, agent, browser, home;

  before(async () => {
    if (!FIREFOX) throw new Error('Firefox not found (apt-get install firefox-esr, or set FIREFOX_PATH)');
    server = await servePages();
    agent = new Agent({ name: 'firefox' });
    home = mkdtempSync(join(tmpdir(), 'pw-e2e-ffhome-'));
    const dir = join(home, '.mozilla/native-messaging-hosts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${HOST_NAME}.json`), JSON.stringify({
      name: HOST_NAME, description: 'Promptwall agent (test)', path: agent.hostScript, type: 'stdio', allowed_extensions: [GECKO_ID],
    }));
    browser = await puppeteer.launch({
      browser: 'firefox', executablePath: FIREFOX, headless: true,
      env: { ...process.env, HOME: home, MOZ_HEADLESS: '1' },
      extraPrefsFirefox: { 'extensions.webextensions.restrictedDomains': '', 'xpinstall.signatures.required': false },
    });
    await browser.installExtension(EXT);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function realPaste(page, text) {
    // Put the text on the clipboard with a real Ctrl+C from a plain input, then Ctrl+V.
    await page.$eval('#clip', (el, t) => { el.value = t; }, text);
    await page.focus('#clip');
    await page.$eval('#clip', (el) => el.select());
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyC');
    await page.keyboard.up('Control');
    await page.$eval('#clip', (el) => { el.value = ''; });
    await page.focus('#composer');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyV');
    await page.keyboard.up('Control');
  }

  it('redacts a pasted card number and lets clean text through', async () => {
    const r = rng(21);
    const page = await browser.newPage();
    await page.goto(server.url('textarea.html'));
    await page.waitForSelector('html[data-promptwall-ready]', { timeout: 15000 });
    const card = cardNumber(r);
    await realPaste(page, `card ${card} please`);
    const value = await until(async () => {
      const v = await page.$eval('#composer', (el) => el.value);
      return v.startsWith('card ') ? v : null;
    }, 'the redacted paste', 15000);
    assert.ok(!value.includes(card), 'the card number was replaced');
    assert.equal(await page.evaluate(() => PW.pastes), 0, "the page's paste listener never saw it");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'firefox-redact-card.png') });
    await page.$eval('#composer', (el) => { el.value = ''; });
    const clean = prose(r, 200);
    await realPaste(page, clean);
    await until(async () => (await page.$eval('#composer', (el) => el.value)) === clean, 'the clean paste', 15000);
    assert.ok(agent.events().some((e) => e.action === 'redact' && e.site === '127.0.0.1'));
    await page.close();
  });

  it('blocks a pasted private key with the dialog', async () => {
    const page = await browser.newPage();
    await page.goto(server.url('textarea.html'));
    await page.waitForSelector('html[data-promptwall-ready]', { timeout: 15000 });
    await realPaste(page, privateKey(rng(22)));
    const dialog = await page.waitForSelector('promptwall-overlay >>> .dialog[data-kind=block]', { timeout: 15000 });
    assert.match(await dialog.evaluate((d) => d.textContent), /private key/i);
    assert.equal(await page.$eval('#composer', (el) => el.value), '');
    await page.screenshot({ path: join(ARTIFACTS, 'firefox-block-private-key.png') });
    await page.close();
  });
});
