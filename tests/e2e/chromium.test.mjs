// End-to-end tests in Debian's Chromium with the development build of the extension and the
// real `promptwall` native host and daemon. Run: bash scripts/test-browser.sh (or, with the
// extension built and the binary at target/debug/promptwall: cd tests/e2e && npm test).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, EXT_ID, REPO, launchChromium, nextVerdict, openPage, paste, realDrop, servePages, shot, until } from './harness.mjs';
import { cardNumber, customerRecord, githubToken, privateKey, prose, rng } from './fixtures.mjs';

const OVERLAY = 'promptwall-overlay';
const DIALOG = `${OVERLAY} .dialog`;
const TOAST = `${OVERLAY} .toast`;

async function model(page) {
  return page.evaluate(() => PW.model());
}

async function clearComposer(page) {
  await page.evaluate(() => PW.clear());
}

/** Pastes a fresh card number into the textarea page's composer and checks it was redacted there. */
async function pasteCardRedacted(page, r) {
  const card = cardNumber(r);
  const v = await paste(page, '#composer', `card ${card}`);
  assert.equal(v.action, 'redact');
  assert.ok(!(await model(page)).includes(card), 'the card number is not in the composer');
  return v;
}

async function dismissToasts(page) {
  await page.evaluate((sel) => {
    const host = document.querySelector(sel);
    host?.shadowRoot?.querySelectorAll('.toast').forEach((t) => t.remove());
  }, OVERLAY);
}

describe('Chromium: extension with the real host and daemon', () => {
  let server, agent, context, r;

  // Every test draws its inputs from its own seed, so each one is the same run after run,
  // whatever runs before it.
  let seed = 100;
  beforeEach(() => { r = rng(seed++); });

  before(async () => {
    server = await servePages();
    agent = new Agent({ name: 'main' });
    await agent.startDaemon();
    ({ context } = await launchChromium(agent));
  });

  after(async () => {
    await context?.close();
    await agent?.stopDaemon();
    await server?.close();
  });

  it('every site adapter is well formed and its selectors are valid CSS', async () => {
    const sites = JSON.parse(readFileSync(join(REPO, 'extension/src/sites.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(REPO, 'extension/dist/chromium/manifest.json'), 'utf8'));
    const matches = new Set(manifest.content_scripts[0].matches);
    const page = await openPage(context, server.url('textarea.html'));
    for (const a of sites.adapters) {
      assert.ok(a.id && a.name && a.hosts.length && a.composer.length && a.send.length, `${a.id} is complete`);
      for (const h of a.hosts) assert.ok(matches.has(`https://${h}/*`), `${h} is in the store manifest's matches`);
      const bad = await page.evaluate((sels) => sels.filter((sel) => { try { document.querySelector(sel); return false; } catch { return true; } }), [...a.composer, ...a.send]);
      assert.deepEqual(bad, [], `${a.id}: invalid selectors`);
    }
    assert.ok(!manifest.key, 'the store build has no key');
    const storeContent = readFileSync(join(REPO, 'extension/dist/chromium/content.js'), 'utf8');
    assert.ok(!storeContent.includes('127.0.0.1') && !storeContent.includes('promptwall:verdict'), 'no test adapter or test signal in the store build');
    assert.ok(![...matches].some((m) => m.includes('127.0.0.1') || m.includes('localhost')), 'the store build does not run on localhost');
    const names = new Set(sites.adapters.map((a) => a.name));
    for (const n of ['ChatGPT', 'Claude', 'Gemini', 'Microsoft Copilot', 'Perplexity', 'DeepSeek', 'Mistral Le Chat', 'Poe', 'Grok', 'Meta AI', 'HuggingChat']) {
      assert.ok(names.has(n), `adapter for ${n}`);
    }
    await page.close();
  });

  it('lets clean text through untouched, decided by the daemon', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    const text = prose(r, 300);
    const v = await paste(page, '#composer', text);
    assert.equal(v.action, 'allow');
    assert.equal(v.by, 'daemon');
    assert.equal(await model(page), text);
    assert.equal(await page.locator(DIALOG).count(), 0);
    assert.equal(await page.locator(TOAST).count(), 0);
    await page.close();
  });

  it('blocks a pasted private key before the page sees the paste', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    const v = await paste(page, '#composer', `here is the deploy key\n${privateKey(r)}`);
    assert.equal(v.action, 'block');
    const dialog = page.locator(DIALOG);
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('role'), 'alertdialog');
    assert.match(await dialog.innerText(), /private key/i);
    assert.equal(await dialog.locator('a').getAttribute('href'), 'https://policy.promptwall.invalid/ai-use#secrets');
    assert.match(await dialog.getAttribute('aria-describedby'), /-msg$/);
    assert.equal(await model(page), '', 'nothing was inserted');
    assert.equal(await page.evaluate(() => PW.pastes), 0, "the page's own paste listener never ran");
    // Keyboard: the OK button has focus; Enter closes the dialog and focus returns to the composer.
    await shot(page, 'block-private-key');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'composer');
    const events = agent.events();
    assert.ok(events.some((e) => e.action === 'block' && e.trigger === 'paste' && e.site === '127.0.0.1' && e.entity_counts.PRIVATE_KEY >= 1));
    await page.close();
  });

  it('real Ctrl+V: a private key from the clipboard is blocked', async () => {
    const page = await openPage(context, server.url('prosemirror.html'));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    await page.evaluate((t) => navigator.clipboard.writeText(t), privateKey(r));
    await page.locator('#editor').click();
    const verdict = nextVerdict(page);
    await page.keyboard.press('Control+V');
    assert.equal((await verdict).action, 'block');
    await page.locator(DIALOG).waitFor();
    assert.equal((await model(page)).trim(), '');
    assert.equal(await page.evaluate(() => PW.pastes), 0);
    await page.keyboard.press('Escape');
    await page.close();
  });

  it('redacts a card number in place in a ProseMirror-style editor', async () => {
    const page = await openPage(context, server.url('prosemirror.html'));
    const card = cardNumber(r);
    const v = await paste(page, '#editor', `please refund card ${card} today`);
    assert.equal(v.action, 'redact');
    const m = await model(page);
    assert.ok(!m.includes(card), "the card number is not in the editor's state");
    assert.match(m, /please refund card .*\d{4} today/);
    assert.equal(await page.evaluate(() => PW.pastes), 0);
    const toast = page.locator(TOAST);
    await toast.waitFor();
    assert.match(await toast.innerText(), /Card number/);
    await shot(page, 'redact-card-prosemirror');
    // The redacted text was inspected already: sending it does not ask again.
    await page.locator('#editor').press('Enter');
    await until(() => page.evaluate(() => PW.sent.length === 1), 'the send');
    assert.ok(!(await page.evaluate(() => PW.sent[0])).includes(card));
    await page.close();
  });

  it('redacts a card number in a Quill-style editor', async () => {
    const page = await openPage(context, server.url('quill.html'));
    const card = cardNumber(r);
    const v = await paste(page, '#editor', `card ${card}`);
    assert.equal(v.action, 'redact');
    await until(async () => (await model(page)).startsWith('card '), "Quill's contents");
    assert.ok(!(await model(page)).includes(card));
    await shot(page, 'redact-card-quill');
    await page.close();
  });

  it('a paste over the 1 MiB message limit comes back redacted in parts, whole', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    const card = cardNumber(r);
    const text = `${prose(r, 700 * 1024)}\ncard ${card}\n${prose(r, 700 * 1024)}`;
    const v = await paste(page, '#composer', text, { timeoutMs: 30000 });
    assert.equal(v.action, 'redact');
    const value = await page.evaluate(() => PW.model());
    const [first, middle, last] = value.split('\n');
    const [tFirst, , tLast] = text.split('\n');
    assert.equal(first, tFirst);
    assert.equal(last, tLast);
    assert.ok(middle.startsWith('card ') && !middle.includes(card) && middle.endsWith(card.slice(-4)), 'only the card was masked');
    // Over the browsers' 1 MiB limit for one message from the host: it came in verdict_parts.
    assert.ok(value.length > 1024 * 1024, 'more than one message of text came back');
    await page.close();
  });

  it('warns on customer data; Proceed asks for a reason; the choice is recorded', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    const text = customerRecord(r);
    const v = await paste(page, '#composer', text);
    assert.equal(v.action, 'warn');
    const dialog = page.locator(DIALOG);
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('role'), 'dialog');
    const shown = await dialog.innerText();
    assert.match(shown, /Phone number/);
    assert.match(shown, /Date of birth/);
    const phone = text.match(/\+1 415 555 \d{4}/)[0];
    const dob = text.match(/birth (\S+),/)[1];
    assert.ok(!shown.includes(phone) && !shown.includes(dob), 'values are masked in the dialog');
    assert.equal(await model(page), '', 'nothing inserted while the dialog is open');
    await shot(page, 'warn-customer-data');
    await dialog.locator('[data-action=proceed]').click();
    const reason = dialog.locator('[data-role=justification]');
    await reason.waitFor();
    assert.equal(await dialog.locator('[data-action=send-justified]').isDisabled(), true, 'a reason is required');
    await reason.fill('Ticket 4411: customer asked us to draft the refund reply');
    await shot(page, 'warn-justification');
    await dialog.locator('[data-action=send-justified]').click();
    await dialog.waitFor({ state: 'detached' });
    await until(async () => (await model(page)) === text, 'the text to be inserted');
    const decided = await until(() => agent.events().find((e) => e.choice === 'proceed_with_justification'), 'the user decision event');
    assert.equal(decided.justification, 'Ticket 4411: customer asked us to draft the refund reply');
    assert.equal(decided.action, 'warn');
    // Sending what the user already justified does not ask again.
    await page.locator('#composer').press('Enter');
    await until(() => page.evaluate(() => PW.sent.length === 1), 'the send');
    assert.equal(await page.locator(DIALOG).count(), 0);
    await page.close();
  });

  it('warn: Escape cancels, nothing is inserted, the cancel is recorded', async () => {
    const page = await openPage(context, server.url('prosemirror.html'));
    const v = await paste(page, '#editor', customerRecord(r));
    assert.equal(v.action, 'warn');
    const dialog = page.locator(DIALOG);
    await dialog.waitFor();
    assert.equal(await page.evaluate((s) => document.querySelector(s).shadowRoot.activeElement?.dataset.action, OVERLAY), 'cancel', 'Cancel has focus');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await model(page)).trim(), '');
    await until(() => agent.events().some((e) => e.choice === 'cancel'), 'the cancel event');
    await page.close();
  });

  it('stops a typed secret on Enter before the page’s own submit handler', async () => {
    const page = await openPage(context, server.url('prosemirror.html'));
    await page.locator('#editor').click();
    await page.keyboard.type(`use token ${githubToken(r)} for the CI`);
    const verdict = nextVerdict(page);
    await page.keyboard.press('Enter');
    assert.equal((await verdict).action, 'block');
    await page.locator(DIALOG).waitFor();
    assert.deepEqual(await page.evaluate(() => PW.sent), [], 'the page never sent it');
    assert.match(await model(page), /use token ghp_/, 'the text stays in the composer for the user to fix');
    await shot(page, 'block-typed-secret-enter');
    await page.keyboard.press('Enter');
    await page.close();
  });

  it('pastes outside the composer and image pastes reach the page untouched', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    const seen = await page.evaluate(async () => {
      let signals = 0;
      document.addEventListener('promptwall:verdict', () => signals++);
      const plain = new DataTransfer();
      plain.setData('text/plain', 'a search term');
      document.getElementById('clip').dispatchEvent(new ClipboardEvent('paste', { clipboardData: plain, bubbles: true, cancelable: true }));
      const image = new DataTransfer();
      image.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'shot.png', { type: 'image/png' }));
      document.getElementById('composer').dispatchEvent(new ClipboardEvent('paste', { clipboardData: image, bubbles: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 300));
      return { pastes: PW.pastes, signals };
    });
    assert.deepEqual(seen, { pastes: 2, signals: 0 });
    await page.close();
  });

  it('Shift+Enter is a new line, never an inspection', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    await page.locator('#composer').click();
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    assert.equal(await model(page), 'first line\nsecond line');
    assert.deepEqual(await page.evaluate(() => PW.sent), []);
    await page.close();
  });

  it('sends clean typed text once on Enter', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    await page.locator('#composer').click();
    await page.keyboard.type('what is a good name for a sourdough starter');
    const verdict = nextVerdict(page);
    await page.keyboard.press('Enter');
    assert.equal((await verdict).action, 'allow');
    await until(() => page.evaluate(() => PW.sent.length === 1), 'the send');
    assert.deepEqual(await page.evaluate(() => PW.sent), ['what is a good name for a sourdough starter']);
    await sleepShort();
    assert.equal(await page.evaluate(() => PW.sent.length), 1, 'sent exactly once');
    await page.close();
  });

  it('typed customer data + Enter: warn, proceed with a reason, then the page sends it', async () => {
    const page = await openPage(context, server.url('prosemirror.html'));
    const text = customerRecord(r);
    await page.locator('#editor').click();
    await page.keyboard.type(text);
    const verdict = nextVerdict(page);
    await page.keyboard.press('Enter');
    assert.equal((await verdict).action, 'warn');
    const dialog = page.locator(DIALOG);
    await dialog.waitFor();
    assert.deepEqual(await page.evaluate(() => PW.sent), [], 'not sent while the user decides');
    await dialog.locator('[data-action=proceed]').click();
    await dialog.locator('[data-role=justification]').fill('Customer asked for a summary of their case');
    await dialog.locator('[data-action=send-justified]').click();
    await until(() => page.evaluate(() => PW.sent.length === 1), 'the send after the decision');
    assert.equal((await page.evaluate(() => PW.sent[0])).trim(), text);
    await until(() => agent.events().some((e) => e.trigger === 'user_decision' && e.justification === 'Customer asked for a summary of their case'), 'the decision event');
    await page.close();
  });

  it('send button: a typed card number is redacted, then sent', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    const card = cardNumber(r);
    await page.locator('#composer').fill(`charge ${card} please`);
    const verdict = nextVerdict(page);
    await page.locator('#send').click();
    assert.equal((await verdict).action, 'redact');
    await until(() => page.evaluate(() => PW.sent.length === 1), 'the send');
    const sent = await page.evaluate(() => PW.sent[0]);
    assert.ok(!sent.includes(card) && sent.startsWith('charge '), 'sent redacted');
    await page.close();
  });

  it('drop of text with a card number is redacted', async () => {
    const page = await openPage(context, server.url('prosemirror.html'));
    const card = cardNumber(r);
    const verdict = nextVerdict(page);
    await realDrop(page, '#editor', { text: `card ${card}` }); // trusted drag events, as from another application
    assert.equal((await verdict).action, 'redact');
    await until(async () => (await model(page)).includes('card '), 'the insert');
    assert.ok(!(await model(page)).includes(card));
    assert.equal(await page.evaluate(() => PW.drops), 0);
    await page.close();
  });

  it('file input: a key file is blocked, a clean file goes through', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    const dir = mkdtempSync(join(tmpdir(), 'pw-files-'));
    const keyFile = join(dir, 'id_rsa.pem');
    const cleanFile = join(dir, 'notes.txt');
    writeFileSync(keyFile, privateKey(r));
    writeFileSync(cleanFile, prose(r, 500));
    let verdict = nextVerdict(page);
    await page.locator('#file').setInputFiles(keyFile);
    assert.equal((await verdict).action, 'block');
    await page.locator(DIALOG).waitFor();
    await shot(page, 'block-key-file');
    await page.locator(`${DIALOG} [data-action=ok]`).click();
    assert.deepEqual(await page.evaluate(() => PW.files), [], 'the page never received the key file');
    verdict = nextVerdict(page);
    await page.locator('#file').setInputFiles(cleanFile);
    assert.equal((await verdict).action, 'allow');
    await until(() => page.evaluate(() => PW.files.length === 1), 'the page to receive the clean file');
    assert.equal(await page.evaluate(() => PW.files[0].name), 'notes.txt');
    await page.close();
  });

  it('popup shows the agent, the policy and recent decisions', async () => {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${EXT_ID}/popup.html`);
    await until(async () => (await page.locator('#agent').innerText()) === 'Connected', 'the popup status');
    assert.match(await page.locator('#policy').innerText(), /Promptwall default/);
    assert.ok((await page.locator('#recent li').count()) >= 3);
    const recent = await page.locator('#recent').innerText();
    assert.match(recent, /Blocked/);
    assert.match(recent, /sent with a reason/);
    await page.setViewportSize({ width: 420, height: 520 });
    await shot(page, 'popup');
    await page.close();
  });
  it('"What Promptwall saw": this browser\'s decisions (metadata only), filterable, with the policy\'s message and link, exported as JSON and CSV', async () => {
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${EXT_ID}/popup.html`);
    assert.equal(await popup.locator('#saw').innerText(), 'What Promptwall saw');
    await popup.close();
    const page = await context.newPage();
    await page.goto(`chrome-extension://${EXT_ID}/saw.html`);
    await until(async () => (await page.locator('#rows tr').count()) >= 3, 'the decisions');
    assert.equal(await page.locator('h1').innerText(), 'What Promptwall saw');
    const about = await page.locator('.about').innerText();
    assert.match(about, /Never recorded/);
    assert.match(about, /The text you pasted, typed or sent/);
    const table = await page.locator('#table').innerText();
    assert.match(table, /Blocked/);
    assert.match(table, /Reason: Ticket 4411: customer asked us to draft the refund reply/, "the user's own reason");
    // The block rule's message and its policy link.
    const link = page.locator('#rows a', { hasText: 'Company policy' }).first();
    assert.equal(await link.getAttribute('href'), 'https://policy.promptwall.invalid/ai-use#secrets');
    // Metadata only: no pasted text, key material or card digits anywhere on the page.
    const body = await page.locator('body').innerText();
    assert.ok(!/BEGIN|PRIVATE KEY|ghp_|\d{4} \d{4} \d{4}|\d{13,19}|\+1 415 555/.test(body), 'no values on the page');
    // Filters: by action, by site, by search.
    const total = await page.locator('#rows tr').count();
    await page.locator('#f-action').selectOption('block');
    const blocked = await page.locator('#rows tr').count();
    assert.ok(blocked >= 1 && blocked < total, `block filter: ${blocked} of ${total}`);
    for (const cell of await page.locator('#rows td.action').allInnerTexts()) assert.equal(cell, 'Blocked');
    assert.match(await page.locator('#count').innerText(), new RegExp(`^${blocked} of ${total} decisions`));
    await page.locator('#f-action').selectOption('');
    await page.locator('#f-site').selectOption('127.0.0.1');
    assert.equal(await page.locator('#rows tr').count(), total, 'every decision here was on 127.0.0.1');
    await page.locator('#f-text').fill('no-such-thing-anywhere');
    assert.equal(await page.locator('#rows tr').count(), 0);
    assert.ok(await page.locator('#empty').isVisible());
    await page.locator('#f-text').fill('');
    await shot(page, 'what-promptwall-saw');
    // Exports: the same metadata, nothing else.
    const [json] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
    const records = JSON.parse(readFileSync(await json.path(), 'utf8'));
    assert.equal(records.length, total);
    for (const rec of records) {
      assert.deepEqual(Object.keys(rec).sort(), ['action', 'choice', 'link', 'message', 'policy', 'reason', 'site', 'time', 'trigger', 'types']);
    }
    assert.ok(records.some((x) => x.reason === 'Ticket 4411: customer asked us to draft the refund reply' && x.choice === 'proceed_with_justification'));
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
    const lines = readFileSync(await csv.path(), 'utf8').trim().split(/\r\n/);
    assert.equal(lines[0], 'time,site,trigger,action,types,choice,reason,policy,message,link');
    assert.equal(lines.length, total + 1);
    assert.ok(!/BEGIN|ghp_|\d{13,19}/.test(lines.join('\n')), 'no values in the export');
    await page.close();
  });

  it('the store build closes the overlay; popup and overlay text meet contrast in dark mode', async () => {
    const store = readFileSync(join(REPO, 'extension/dist/chromium/content.js'), 'utf8');
    assert.match(store, /attachShadow\(\{\s*mode:\s*"closed"\s*\}\)/, 'closed shadow root in the store build');
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`chrome-extension://${EXT_ID}/popup.html`);
    await until(async () => (await page.locator('#agent').innerText()) !== '', 'the popup status');
    const worst = await page.evaluate(() => {
      const lum = (c) => {
        const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      const bgOf = (el) => { for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (!/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
      let min = { ratio: 99 };
      for (const el of document.querySelectorAll('body *')) {
        if (!el.offsetParent || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
        const r = ratio(getComputedStyle(el).color, bgOf(el));
        if (r < min.ratio) min = { ratio: r, id: el.id || el.tagName, text: el.textContent.slice(0, 30) };
      }
      return min;
    });
    assert.ok(worst.ratio >= 4.5, `dark popup text contrast ${worst.ratio.toFixed(2)} < 4.5 at ${worst.id} (${worst.text})`);
    await page.close();
    // The overlay's focus ring against its backgrounds (light and dark) and its text in dark mode.
    const css = readFileSync(join(REPO, 'extension/src/content/overlay.ts'), 'utf8');
    const hex = (h) => h.match(/[0-9a-f]{2}/gi).map((x) => parseInt(x, 16));
    const l = (h) => { const [r, g, b] = hex(h).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const cr = (a, b) => { const [x, y] = [l(a), l(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const lightRing = css.match(/focus-visible \{ outline: 3px solid (#[0-9a-f]{6})/i)[1];
    const darkRing = css.match(/outline-color: (#[0-9a-f]{6})/i)[1];
    assert.ok(cr(lightRing, '#ffffff') >= 3, `light focus ring ${cr(lightRing, '#ffffff')}`);
    assert.ok(cr(darkRing, '#23252d') >= 3, `dark focus ring ${cr(darkRing, '#23252d')}`);
    for (const fg of ['#eceef4', '#b4b8c8', '#8ab4ff', '#ff8a80', '#ffcc66']) assert.ok(cr(fg, '#23252d') >= 4.5, `dark overlay text ${fg}: ${cr(fg, '#23252d')}`);
  });

});

describe('Chromium: recovery (worker stopped, host killed, daemon stopped, agent missing)', () => {
  // Tests that break the agent or the worker on purpose run in a browser and agent of their own,
  // so a failure here cannot take the other suites down with it.
  let server, agent, context, r;
  let seed = 300;
  beforeEach(() => { r = rng(seed++); });

  before(async () => {
    server = await servePages();
    agent = new Agent({ name: 'recovery' });
    await agent.startDaemon();
    ({ context } = await launchChromium(agent));
  });

  after(async () => {
    await context?.close();
    await agent?.stopDaemon();
    await server?.close();
  });

  it('the next paste is inspected after the service worker is stopped', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    assert.equal((await paste(page, '#composer', 'warm up')).action, 'allow');
    const [before] = agent.hostPids();
    assert.ok(before, 'a host runs for the extension');
    const ext = await context.newPage();
    await ext.goto(`chrome-extension://${EXT_ID}/popup.html`);
    const cdp = await context.newCDPSession(ext);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await ext.close();
    // The browser closes the port with the worker; the host sees end of input and exits.
    await until(() => !agent.hostPids().includes(before), 'the host to exit after the worker stopped');
    await clearComposer(page);
    await pasteCardRedacted(page, r);
    const [afterPid] = agent.hostPids();
    assert.ok(afterPid && afterPid !== before, 'a new host serves the new worker');
    await page.close();
  });

  it('the next paste is inspected after the host is killed', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    assert.equal((await paste(page, '#composer', 'warm up')).action, 'allow');
    const [pid] = agent.hostPids();
    process.kill(pid, 'SIGKILL');
    await clearComposer(page);
    const v = await paste(page, '#composer', `here is the key\n${privateKey(r)}`);
    assert.equal(v.action, 'block');
    await page.keyboard.press('Enter');
    await page.close();
  });

  it('the daemon stops: the host decides alone', async () => {
    await agent.stopDaemon();
    const page = await openPage(context, server.url('textarea.html'));
    await pasteCardRedacted(page, r);
    await page.close();
  });

  it('agent missing: fail-open (the default policy) lets text in with a notice', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    assert.equal((await paste(page, '#composer', 'warm up')).action, 'allow');
    agent.setHost('missing');
    for (const pid of agent.hostPids()) process.kill(pid, 'SIGKILL');
    await until(() => agent.hostPids().length === 0, 'the host to be gone');
    await clearComposer(page);
    await dismissToasts(page);
    const v = await paste(page, '#composer', 'text while the agent is gone');
    assert.equal(v.action, 'unavailable');
    assert.equal(v.by, 'open');
    assert.equal(await model(page), 'text while the agent is gone');
    const toast = page.locator(TOAST);
    await toast.waitFor();
    assert.match(await toast.innerText(), /not reachable/);
    await shot(page, 'fail-open-notice');
    agent.setHost('real');
    await page.close();
  });
});

describe('Chromium: extension reload', () => {
  let server, agent, context, r;
  beforeEach(() => { r = rng(400); });

  before(async () => {
    server = await servePages();
    agent = new Agent({ name: 'reload' });
    ({ context } = await launchChromium(agent));
  });

  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('a tab opened before an extension reload is still guarded after it', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    assert.equal((await paste(page, '#composer', 'before the reload')).action, 'allow');
    // Reload from an extension page (a handle on a worker the browser may have stopped can hang).
    const ext = await context.newPage();
    await ext.goto(`chrome-extension://${EXT_ID}/popup.html`);
    await ext.evaluate(() => chrome.runtime.reload()).catch(() => {}); // the page goes away with the extension
    await ext.close().catch(() => {});
    const card = cardNumber(r);
    // Wait on what matters: the old tab's next paste is inspected by the new version's copy of
    // the content script (injected on install), however long the reload takes on a busy machine.
    const v = await until(async () => {
      await clearComposer(page);
      return paste(page, '#composer', `card ${card}`, { timeoutMs: 3000 }).catch(() => null);
    }, 'a verdict after the reload', 45000, 200);
    assert.equal(v.action, 'redact');
    assert.ok(!(await model(page)).includes(card));
    await page.close();
  });
});

describe('Chromium: fail-closed policy', () => {
  let server, agent, context;

  before(async () => {
    server = await servePages();
    agent = new Agent({ name: 'closed', failMode: 'closed' });
    ({ context } = await launchChromium(agent));
  });

  after(async () => {
    await context?.close();
    await server?.close();
  });

  it('agent hangs: the request times out into the fail mode (closed)', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    assert.equal((await paste(page, '#composer', 'warm up')).action, 'allow');
    agent.setHost('hang');
    for (const pid of agent.hostPids()) process.kill(pid, 'SIGKILL');
    await clearComposer(page);
    const t0 = Date.now();
    const v = await paste(page, '#composer', 'text while the agent hangs', { timeoutMs: 15000 });
    assert.equal(v.action, 'unavailable');
    assert.equal(v.by, 'closed');
    assert.ok(Date.now() - t0 < 9000, 'the timeout, not the test, ended the wait');
    await page.locator(DIALOG).waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await model(page), '');
    agent.setHost('real');
    await page.close();
  });

  it('agent wedged mid-inspection: timeout into the fail mode, then a fresh host', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    agent.setHost('wedged');
    for (const pid of agent.hostPids()) process.kill(pid, 'SIGKILL');
    await until(() => agent.hostPids().length === 0, 'the old host to be gone');
    await clearComposer(page);
    const t0 = Date.now();
    const v = await paste(page, '#composer', 'text while the agent is wedged', { timeoutMs: 15000 });
    assert.equal(v.action, 'unavailable');
    assert.equal(v.by, 'closed');
    assert.ok(Date.now() - t0 >= 4500, 'the 5 s request timeout ended the wait');
    await page.locator(DIALOG).waitFor();
    await page.keyboard.press('Enter');
    // The wedged host was dropped: the next paste starts a real one at once.
    agent.setHost('real');
    const t1 = Date.now();
    await pasteCardRedacted(page, rng(31));
    assert.ok(Date.now() - t1 < 4000, 'no second wait on the wedged host');
    await page.close();
  });

  it('agent missing: fail-closed blocks with an explanation', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    // The worker learns the policy's fail mode from the agent, then the agent goes away.
    assert.equal((await paste(page, '#composer', 'warm up')).action, 'allow');
    agent.setHost('missing');
    for (const pid of agent.hostPids()) process.kill(pid, 'SIGKILL');
    await clearComposer(page);
    const v = await paste(page, '#composer', 'text while the agent is gone');
    assert.equal(v.action, 'unavailable');
    assert.equal(v.by, 'closed');
    const dialog = page.locator(DIALOG);
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /blocks pasting and sending/);
    assert.equal(await model(page), '');
    await shot(page, 'fail-closed-block');
    await page.close();
  });
});

function sleepShort() {
  return new Promise((r) => setTimeout(r, 300));
}
