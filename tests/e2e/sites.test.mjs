// The send gate on the real editor libraries, under the real host names (tests/e2e/sites/):
// what the page's own send handler takes from its editor's model is exactly what the verdict
// allowed, for every adapter and input method, before and after an SPA navigation re-mounts the
// composer. Then the hostile page, shadow DOM and iframe composers, files by content and the
// notice placement. Run: bash scripts/test-browser.sh (or cd tests/e2e && node --test sites.test.mjs).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, launchChromium, paste, realDrop, setClipboard, shot, signalCount, sleep, syntheticPaste, until, waitSignal } from './harness.mjs';
import { cardNumber, customerRecord, docx, githubToken, privateKey, prose, rng } from './fixtures.mjs';
import { SITES, serveSites } from './sites/server.mjs';

const OVERLAY = 'promptwall-overlay';
const DIALOG = `${OVERLAY} .dialog`;
const TOAST = `${OVERLAY} .toast`;
const CARD_DIGITS = (card) => card.replace(/\D/g, '');
const leaks = (text, card) => text.replace(/\D/g, '').includes(CARD_DIGITS(card));

const sent = (page) => page.evaluate(() => PW.sent);
const model = (page) => page.evaluate(() => PW.model());

async function openSite(context, sites, host, path = '/') {
  const page = await context.newPage();
  await page.goto(sites.url(host, path));
  await page.waitForSelector('html[data-promptwall-ready]', { timeout: 10000 });
  await page.waitForFunction((lab) => window.PW && (lab || PW.mounts > 0), path.startsWith('/lab/'));
  return page;
}

async function dismiss(page) {
  await page.evaluate((sel) => document.querySelector(sel)?.shadowRoot?.querySelectorAll('.toast').forEach((t) => t.remove()), OVERLAY);
}

/** Types into the composer as the user does (focus by click, real key events). */
async function typeInto(page, host, text) {
  await page.locator(SITES[host].editor).click();
  await page.keyboard.type(text, { delay: 0 });
}

/** Waits until the page sent `n` messages, then a moment more to see nothing else goes. */
async function sentCount(page, n, what) {
  await until(async () => (await sent(page)).length >= n, what ?? `${n} send(s)`);
  await sleep(150);
  const s = await sent(page);
  assert.equal(s.length, n, `exactly ${n} send(s), got ${JSON.stringify(s.map((x) => x.length))}`);
  return s;
}

describe('Real editors under the real host names', () => {
  let sites, agent, context, r;
  let seed = 500;
  beforeEach(() => { r = rng(seed++); });

  before(async () => {
    sites = await serveSites();
    agent = new Agent({ name: 'sites' });
    await agent.startDaemon();
    ({ context } = await launchChromium(agent, { args: sites.chromiumArgs }));
  });

  after(async () => {
    await context?.close();
    await agent?.stopDaemon();
    await sites?.close();
  });

  for (const host of Object.keys(SITES)) {
    const { editor, send } = SITES[host];

    it(`${host}: what the page sends is what the verdict allowed (typed, pasted, dropped; Enter and Send; two rounds)`, async () => {
      const page = await openSite(context, sites, host);
      for (const round of [1, 2]) {
        if (round === 2) {
          // The site's own client-side navigation re-mounts the composer.
          const mounts = await page.evaluate(() => PW.mounts);
          await page.evaluate(() => PW.navigate(`/c/round-two-${Math.random().toString(36).slice(2, 8)}`));
          await until(() => page.evaluate((m) => PW.mounts > m, mounts), 'the composer to re-mount');
        }
        let n = (await sent(page)).length;

        // Typed card number + Enter: redacted in the editor's model before the page sends.
        let card = cardNumber(r);
        let mark = await signalCount(page);
        await typeInto(page, host, `please charge ${card} today`);
        await page.keyboard.press('Enter');
        assert.equal((await waitSignal(page, mark)).action, 'redact', `${host} r${round}: typed + Enter is redacted`);
        let s = await sentCount(page, ++n, `${host} r${round}: the send after redaction`);
        assert.ok(!leaks(s.at(-1), card), `${host} r${round}: typed + Enter leaked the card: ${s.at(-1)}`);
        assert.match(s.at(-1), /please charge .*\d{4} today/);
        await dismiss(page);

        // Typed card number + Send button.
        card = cardNumber(r);
        mark = await signalCount(page);
        await typeInto(page, host, `refund ${card} now`);
        await page.locator(send).click();
        assert.equal((await waitSignal(page, mark)).action, 'redact');
        s = await sentCount(page, ++n, `${host} r${round}: the send after a Send click`);
        assert.ok(!leaks(s.at(-1), card), `${host} r${round}: typed + Send leaked the card: ${s.at(-1)}`);
        await dismiss(page);

        // Real Ctrl+V of a card number: redacted in the editor's own model; Enter then sends it
        // without a second inspection.
        card = cardNumber(r);
        let v = await paste(page, editor, `card ${card} on file`, { click: true });
        assert.equal(v.action, 'redact');
        await until(async () => (await model(page)).includes('on file'), 'the redacted paste in the model');
        assert.ok(!leaks(await model(page), card), `${host}: the card is in the editor's model`);
        assert.equal(await page.evaluate(() => PW.pastes), 0, "the page's paste listener never ran");
        mark = await signalCount(page);
        await page.keyboard.press('Enter');
        s = await sentCount(page, ++n);
        assert.ok(!leaks(s.at(-1), card));
        assert.deepEqual((await page.evaluate((m) => window.__pwSignals.slice(m), mark)).filter((x) => x.action), [], 'no second inspection');
        await dismiss(page);

        // Clean typed text + Enter: sent exactly once, unchanged.
        const clean = `what is a good name for a sourdough starter ${round}`;
        mark = await signalCount(page);
        await typeInto(page, host, clean);
        await page.keyboard.press('Enter');
        assert.equal((await waitSignal(page, mark)).action, 'allow');
        s = await sentCount(page, ++n);
        assert.equal(s.at(-1).trim(), clean);

        // A real drop of text with a card number.
        card = cardNumber(r);
        mark = await signalCount(page);
        await realDrop(page, editor, { text: `dropped ${card} here` });
        assert.equal((await waitSignal(page, mark)).action, 'redact');
        await until(async () => (await model(page)).includes('dropped'), 'the dropped text');
        assert.ok(!leaks(await model(page), card));
        assert.equal(await page.evaluate(() => PW.drops), 0);
        await page.keyboard.press('Enter');
        s = await sentCount(page, ++n);
        assert.ok(!leaks(s.at(-1), card));
        await dismiss(page);

        // A private key: blocked; nothing goes into the model; nothing is sent.
        mark = await signalCount(page);
        v = await paste(page, editor, `deploy key\n${privateKey(r)}`, { click: true });
        assert.equal(v.action, 'block');
        await page.locator(DIALOG).waitFor();
        await page.keyboard.press('Enter');
        await page.locator(DIALOG).waitFor({ state: 'detached' });
        assert.equal((await model(page)).trim(), '');

        // Warn on typed customer data: Cancel keeps it unsent; Proceed with a reason sends it once.
        const record = customerRecord(r);
        mark = await signalCount(page);
        await typeInto(page, host, record);
        await page.keyboard.press('Enter');
        assert.equal((await waitSignal(page, mark)).action, 'warn');
        await page.locator(DIALOG).waitFor();
        await page.keyboard.press('Escape');
        await page.locator(DIALOG).waitFor({ state: 'detached' });
        await sleep(200);
        assert.equal((await sent(page)).length, n, 'cancel sends nothing');
        mark = await signalCount(page);
        await page.locator(editor).click();
        await page.keyboard.press('Enter');
        assert.equal((await waitSignal(page, mark)).action, 'warn', 'asked again after a cancel');
        const dialog = page.locator(DIALOG);
        await dialog.locator('[data-action=proceed]').click();
        await dialog.locator('[data-role=justification]').fill(`case ${round}: customer asked for a summary`);
        await dialog.locator('[data-action=send-justified]').click();
        s = await sentCount(page, ++n);
        assert.equal(s.at(-1).replace(/\s+/g, ' ').trim(), record);
      }
      const paths = await page.evaluate(() => PW.sends.map((x) => x.path));
      assert.ok(paths.some((p) => p.startsWith('/c/round-two')), 'the second round ran after the navigation');
      if (host === 'chatgpt.com') await shot(page, 'sites-chatgpt-after-rounds');
      await page.close();
    });

    it(`${host}: a redaction notice never covers the composer or Send (1280x800)`, async () => {
      const page = await openSite(context, sites, host);
      await typeInto(page, host, `charge ${cardNumber(r)} please`);
      const mark = await signalCount(page);
      await page.locator(send).click();
      assert.equal((await waitSignal(page, mark)).action, 'redact');
      await page.locator(TOAST).waitFor();
      const hit = await page.evaluate(({ send, editor }) => {
        const probe = (el) => {
          const b = el.getBoundingClientRect();
          const at = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
          return at === el || el.contains(at) || at?.contains(el);
        };
        const toast = document.querySelector('promptwall-overlay').shadowRoot.querySelector('.toast');
        return { send: probe(document.querySelector(send)), editor: probe(document.querySelector(editor)), role: toast.getAttribute('role'), dismiss: !!toast.querySelector('button.close') };
      }, { send, editor });
      assert.deepEqual(hit, { send: true, editor: true, role: 'status', dismiss: true });
      if (host === 'gemini.google.com') await shot(page, 'sites-notice-placement');
      await page.close();
    });
  }

  it('Enter pressed while a paste verdict is pending never sends unchecked text', async () => {
    const page = await openSite(context, sites, 'chatgpt.com');
    const card = cardNumber(r);
    await setClipboard(page, `card ${card} pending`);
    await page.locator(SITES['chatgpt.com'].editor).click();
    const mark = await signalCount(page);
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    assert.equal((await waitSignal(page, mark)).action, 'redact');
    const s = await sentCount(page, 1, 'the queued send after the verdict');
    assert.ok(!leaks(s[0], card), `sent unchecked: ${s[0]}`);
    assert.match(s[0], /card .* pending/);
    await page.close();
  });

  it('Enter pressed again while a send is being checked, and typing on, never sends unchecked text', async () => {
    const page = await openSite(context, sites, 'claude.ai');
    const card = cardNumber(r), card2 = cardNumber(r);
    await typeInto(page, 'claude.ai', `first ${card}`);
    await page.keyboard.press('Enter');
    await page.keyboard.type(` and ${card2}`);
    await page.keyboard.press('Enter');
    await until(async () => (await sent(page)).length >= 1, 'a send');
    await sleep(1500);
    for (const s of await sent(page)) assert.ok(!leaks(s, card) && !leaks(s, card2), `sent unchecked: ${s}`);
    await page.close();
  });

  it('approvals are bound to the conversation: after a navigation the same text is inspected again', async () => {
    const page = await openSite(context, sites, 'copilot.microsoft.com');
    const text = `summary for the team ${prose(r, 40)}`;
    const v = await paste(page, SITES['copilot.microsoft.com'].editor, text, { click: true });
    assert.equal(v.action, 'allow');
    await page.evaluate(() => PW.navigate('/c/elsewhere'));
    await page.waitForFunction(() => PW.mounts === 2);
    // The same text typed into the new conversation's composer is checked again.
    const mark = await signalCount(page);
    await typeInto(page, 'copilot.microsoft.com', text);
    await page.keyboard.press('Enter');
    assert.equal((await waitSignal(page, mark)).action, 'allow', 'inspected again after navigation');
    await sentCount(page, 1);
    await page.close();
  });

  it('files by content: key and dotenv files without a text extension are inspected; a PDF is asked about', async () => {
    const page = await openSite(context, sites, 'chatgpt.com');
    const dir = mkdtempSync(join(tmpdir(), 'pw-files-'));
    const idRsa = join(dir, 'id_rsa');
    const envLocal = join(dir, '.env.local');
    const npmrc = join(dir, '.npmrc');
    const pdf = join(dir, 'report.pdf');
    writeFileSync(idRsa, privateKey(r) + '\n');
    writeFileSync(envLocal, `API_URL=https://api.example.invalid\nGITHUB_TOKEN=${githubToken(r)}\n`);
    writeFileSync(npmrc, `registry=https://registry.npmjs.org/\n# build notes\n${prose(r, 200)}\n`);
    writeFileSync(pdf, Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 37) % 256))]));
    const input = page.locator('input[type=file]');

    let mark = await signalCount(page);
    await input.setInputFiles(idRsa);
    assert.equal((await waitSignal(page, mark)).action, 'block', 'id_rsa is read and blocked');
    await page.locator(DIALOG).waitFor();
    await page.keyboard.press('Enter');

    mark = await signalCount(page);
    await input.setInputFiles(envLocal);
    const envVerdict = await waitSignal(page, mark);
    assert.notEqual(envVerdict.action, 'allow', '.env.local with a token is not let through unseen');
    if (await page.locator(DIALOG).count()) await page.keyboard.press('Escape');
    await dismiss(page);

    mark = await signalCount(page);
    await input.setInputFiles(npmrc);
    assert.equal((await waitSignal(page, mark)).action, 'allow', 'a clean .npmrc is inspected as text and allowed');
    await until(() => page.evaluate(() => PW.files.some((f) => f.name === '.npmrc')), 'the page to receive .npmrc');

    mark = await signalCount(page);
    await input.setInputFiles(pdf);
    const pv = await waitSignal(page, mark);
    assert.ok(['warn', 'block'].includes(pv.action), `a PDF is never silently through (got ${pv.action})`);
    assert.equal(pv.kind, 'binary');
    if (pv.action === 'warn') {
      await page.locator(DIALOG).waitFor();
      assert.equal(await page.evaluate(() => PW.files.some((f) => f.name === 'report.pdf')), false, 'held while the user decides');
      await page.locator(`${DIALOG} [data-action=proceed]`).click();
      await until(() => page.evaluate(() => PW.files.some((f) => f.name === 'report.pdf')), 'the PDF after Proceed');
    }
    // An office document is read by the agent: a card inside it blocks the file (a file is not
    // redacted in place), and the page never receives it.
    const report = join(dir, 'q3-report.docx');
    writeFileSync(report, docx(`Refund for the customer, card ${cardNumber(r)}, approved.`));
    mark = await signalCount(page);
    await input.setInputFiles(report);
    const dv = await waitSignal(page, mark);
    assert.equal(dv.action, 'block', `the card in the .docx is found (got ${JSON.stringify(dv)})`);
    await page.locator(DIALOG).waitFor();
    await page.keyboard.press('Enter');
    const names = (await page.evaluate(() => PW.files.map((f) => f.name)));
    assert.ok(!names.includes('id_rsa'), 'the page never received id_rsa');
    assert.ok(!names.includes('q3-report.docx'), 'the page never received the .docx with a card');
    const evs = agent.events();
    assert.ok(evs.some((e) => e.trigger === 'file' && e.action === 'block'), 'the key file block is recorded');
    await page.close();
  });

  it('text larger than the host reads is never silently through: the agent decides it as uninspectable', async () => {
    const page = await openSite(context, sites, 'chatgpt.com', '/lab/hostile');
    // 4.5 M characters of 2-byte UTF-8: under 8 Mi UTF-16 units, over the 8 MiB UTF-8 JSON cap.
    const mark = await signalCount(page);
    await page.evaluate(() => {
      const ta = document.getElementById('composer');
      ta.focus();
      const dt = new DataTransfer();
      dt.setData('text/plain', 'é'.repeat(4_500_000));
      ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    const v = await waitSignal(page, mark, { waitInsert: false, timeoutMs: 30000 });
    assert.ok(['warn', 'block'].includes(v.action), `oversized text gets warn or block, got ${v.action}`);
    await page.locator(DIALOG).waitFor();
    await page.keyboard.press('Escape');
    await page.locator(DIALOG).waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => PW.model()), '', 'nothing inserted');
    assert.ok(['host', 'daemon'].includes(v.by), `decided (and recorded) by the agent, not locally: ${v.by}`);
    await page.close();
  });

  it('files in the clipboard and dropped files are inspected by content', async () => {
    const page = await openSite(context, sites, 'claude.ai');
    const key = privateKey(r);
    // A paste that carries a file (as from a file manager): the key inside is blocked.
    let mark = await signalCount(page);
    await page.evaluate(({ sel, key }) => {
      const ed = document.querySelector(sel);
      ed.focus();
      const dt = new DataTransfer();
      dt.items.add(new File([key], 'credentials', { type: '' }));
      ed.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true }));
    }, { sel: SITES['claude.ai'].editor, key });
    assert.equal((await waitSignal(page, mark)).action, 'block');
    await page.locator(DIALOG).waitFor();
    await page.keyboard.press('Enter');
    assert.deepEqual(await page.evaluate(() => PW.files), [], 'the page never got the pasted key file');
    // A real drop of a text file with no extension.
    const dir = mkdtempSync(join(tmpdir(), 'pw-drop-'));
    const f = join(dir, 'credentials');
    writeFileSync(f, `[default]\naws_note = ${prose(r, 80)}\n`);
    mark = await signalCount(page);
    await realDrop(page, SITES['claude.ai'].editor, { files: [f] });
    assert.equal((await waitSignal(page, mark)).action, 'allow');
    await until(() => page.evaluate(() => PW.files.some((x) => x.name === 'credentials' && x.via === 'drop')), 'the clean dropped file to reach the page');
    await page.close();
  });
});

describe('Hostile pages, shadow DOM and iframes', () => {
  let sites, agent, context, r;
  let seed = 900;
  beforeEach(() => { r = rng(seed++); });

  before(async () => {
    sites = await serveSites();
    agent = new Agent({ name: 'hostile' });
    ({ context } = await launchChromium(agent, { args: sites.chromiumArgs }));
  });

  after(async () => {
    await context?.close();
    await sites?.close();
  });

  it('page script cannot decide for the user: synthetic clicks and keys on the dialog do nothing', async () => {
    const page = await openSite(context, sites, 'chatgpt.com', '/lab/hostile');
    const record = customerRecord(r);
    const v = await syntheticPaste(page, '#composer', record, { waitInsert: false });
    assert.equal(v.action, 'warn');
    assert.equal(v.trusted, false);
    await page.locator(DIALOG).waitFor();
    await page.evaluate((sel) => {
      const root = document.querySelector(sel).shadowRoot;
      root.querySelector('[data-action=proceed]')?.click();
      root.querySelector('[data-action=proceed]')?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      const area = root.querySelector('[data-role=justification]');
      if (area) { area.value = 'page script'; area.dispatchEvent(new Event('input', { bubbles: true })); }
      root.querySelector('[data-action=send-justified]')?.click();
      root.querySelector('.backdrop')?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    }, OVERLAY);
    await sleep(300);
    assert.equal(await page.locator(DIALOG).count(), 1, 'the dialog is still open');
    assert.equal(await page.locator(`${DIALOG} [data-role=justification]`).count(), 0, 'Proceed was not taken');
    assert.equal(await page.evaluate(() => PW.model()), '', 'nothing inserted');
    await page.keyboard.press('Escape');
    await page.locator(DIALOG).waitFor({ state: 'detached' });
    await page.close();
  });

  it('a synthetic paste is still inspected, and a flood of them is cut off by the rate limit', async () => {
    const page = await openSite(context, sites, 'chatgpt.com', '/lab/hostile');
    const card = cardNumber(r);
    const v = await syntheticPaste(page, '#composer', `card ${card}`);
    assert.equal(v.action, 'redact');
    assert.ok(!leaks(await page.evaluate(() => PW.model()), card));
    const counts = await page.evaluate(async () => {
      const ta = document.getElementById('composer');
      const seen = {};
      const on = (e) => { const d = JSON.parse(e.detail); if (d.action) seen[d.action] = (seen[d.action] ?? 0) + 1; };
      document.addEventListener('promptwall:verdict', on);
      for (let i = 0; i < 60; i++) {
        const dt = new DataTransfer();
        dt.setData('text/plain', `synthetic paste number ${i} with some words`);
        ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }
      await new Promise((r) => setTimeout(r, 3000));
      document.removeEventListener('promptwall:verdict', on);
      return seen;
    });
    assert.ok((counts.unavailable ?? 0) >= 20, `most of a flood is refused: ${JSON.stringify(counts)}`);
    assert.ok((counts.allow ?? 0) <= 35, `at most the untrusted burst is inspected: ${JSON.stringify(counts)}`);
    // The user's own paste still goes through at once.
    await page.evaluate(() => PW.clear());
    await dismiss(page);
    const mine = await paste(page, '#composer', 'my own words, pasted by me');
    assert.equal(mine.action, 'allow');
    await page.close();
  });

  it('composers inside shadow DOM (custom elements) are guarded', async () => {
    const page = await openSite(context, sites, 'chatgpt.com', '/lab/shadow');
    for (const [sel, label] of [['pw-rich-composer >> .inner', 'shadow-rich'], ['pw-plain-composer >> textarea', 'shadow-plain']]) {
      const card = cardNumber(r);
      const v = await paste(page, sel, `card ${card} in the shadow`, { click: true });
      assert.equal(v.action, 'redact', `${label}: a real Ctrl+V is inspected`);
      await page.keyboard.press('Enter');
      await until(() => page.evaluate((l) => PW.sends.some((s) => s.via === l), label), `${label} send`);
      const s = await page.evaluate((l) => PW.sends.find((x) => x.via === l).text, label);
      assert.ok(!leaks(s, card), `${label} leaked: ${s}`);
      // Typed + Enter inside the shadow root too.
      const card2 = cardNumber(r);
      const mark = await signalCount(page);
      await page.locator(sel).click();
      await page.keyboard.type(`typed ${card2}`);
      await page.keyboard.press('Enter');
      assert.equal((await waitSignal(page, mark)).action, 'redact');
      await until(() => page.evaluate((l) => PW.sends.filter((s) => s.via === l).length === 2, label), `${label} second send`);
      const s2 = await page.evaluate((l) => PW.sends.filter((x) => x.via === l)[1].text, label);
      assert.ok(!leaks(s2, card2), `${label} typed leaked: ${s2}`);
    }
    await page.close();
  });

  it('composers inside iframes (srcdoc and same-origin) are guarded', async () => {
    const page = await openSite(context, sites, 'chatgpt.com', '/lab/iframe');
    for (const [frameSel, label] of [['#srcdoc', 'srcdoc'], ['#same', 'frame']]) {
      const frame = page.frameLocator(frameSel);
      await frame.locator('textarea').waitFor();
      await until(() => page.evaluate((fs) => document.querySelector(fs).contentDocument?.documentElement?.hasAttribute('data-promptwall-ready'), frameSel), `${label}: the content script in the frame`);
      const card = cardNumber(r);
      await setClipboard(page, `card ${card} in a frame`);
      await frame.locator('textarea').click();
      await page.keyboard.press('Control+V');
      await until(() => page.evaluate((fs) => document.querySelector(fs).contentDocument.querySelector('textarea').value.includes('in a frame'), frameSel), `${label}: the redacted paste`);
      const value = await page.evaluate((fs) => document.querySelector(fs).contentDocument.querySelector('textarea').value, frameSel);
      assert.ok(!leaks(value, card), `${label}: the card went into the framed composer`);
      await page.keyboard.press('Enter');
      await until(() => page.evaluate((l) => PW.sends.some((s) => s.via === l), label), `${label} send`);
      const card2 = cardNumber(r);
      await frame.locator('textarea').click();
      await page.keyboard.type(`typed ${card2}`);
      await page.keyboard.press('Enter');
      await until(() => page.evaluate((l) => PW.sends.filter((s) => s.via === l).length === 2, label), `${label} second send`);
      for (const s of await page.evaluate((l) => PW.sends.filter((x) => x.via === l).map((x) => x.text), label)) {
        assert.ok(!leaks(s, card) && !leaks(s, card2), `${label} leaked: ${s}`);
      }
    }
    await page.close();
  });
});

/** What the page's display shows for each `<promptwall-pseudonym>`: its light DOM text (what page
 * script reads) and the text of its closed shadow root (what the user sees), read over CDP
 * (DOM.getDocument with pierce reaches closed roots; page script cannot). */
async function pseudonymDisplay(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const text = (n) => (n.nodeType === 3 ? n.nodeValue : (n.children ?? []).filter((c) => c.nodeName !== 'STYLE').map(text).join(''));
    const out = [];
    const walk = (n) => {
      if (n.nodeName === 'PROMPTWALL-PSEUDONYM') {
        const sr = (n.shadowRoots ?? [])[0];
        out.push({ light: (n.children ?? []).map(text).join(''), shown: sr ? text(sr) : null, closed: sr?.shadowRootType === 'closed' });
      }
      for (const c of n.children ?? []) walk(c);
      for (const s of n.shadowRoots ?? []) walk(s);
      if (n.contentDocument) walk(n.contentDocument);
    };
    walk(root);
    return out;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

describe('Reversible pseudonyms: the answer shows the real values, in the display only', () => {
  let sites, agent, context;
  const EMAILS = ['maria.rossi@northwind-trading.io', 'jan.kowalski@fabrikam-logistics.io'];

  before(async () => {
    sites = await serveSites();
    agent = new Agent({ name: 'pseudonyms' });
    const policy = JSON.parse(readFileSync(agent.policyFile, 'utf8'));
    policy.rules.unshift({ id: 'pseudonymise-addresses', match: { types: ['EMAIL'] }, action: 'redact', message: 'Addresses are replaced by placeholders.' });
    policy.redaction = { ...policy.redaction, per_type: { ...policy.redaction?.per_type, EMAIL: 'pseudonym' } };
    writeFileSync(agent.policyFile, JSON.stringify(policy, null, 2));
    await agent.startDaemon();
    ({ context } = await launchChromium(agent, { args: sites.chromiumArgs }));
  });

  after(async () => {
    await context?.close();
    await agent?.stopDaemon();
    await sites?.close();
  });

  // ProseMirror (claude.ai), Quill (gemini.google.com), a React textarea (copilot.microsoft.com).
  for (const host of ['claude.ai', 'gemini.google.com', 'copilot.microsoft.com']) {
    it(`${host}: placeholders in a streamed answer (prose, list, table, code) show the values; the page and what is sent keep placeholders`, async () => {
      const page = await openSite(context, sites, host, '/c/pseudonyms');
      await page.evaluate(() => { PW.echo = true; });
      const mark = await signalCount(page);
      await typeInto(page, host, `please write to ${EMAILS[0]} and ${EMAILS[1]} about the order`);
      await page.keyboard.press('Enter');
      assert.equal((await waitSignal(page, mark)).action, 'redact');
      const [sentText] = await sentCount(page, 1);
      assert.match(sentText, /\[EMAIL_1\].*\[EMAIL_2\]/, `the page got placeholders: ${sentText}`);
      for (const e of EMAILS) assert.ok(!sentText.includes(e), 'no value in what is sent');
      await until(() => page.evaluate(() => PW.answered === 1), 'the streamed answer');
      // Every placeholder of the answer (2 each in prose, list, table and code) is restored.
      await until(async () => (await pseudonymDisplay(page)).length === 8, 'eight restored placeholders', 5000);
      let shown = await pseudonymDisplay(page);
      for (const s of shown) {
        assert.ok(s.closed, 'a closed shadow root');
        assert.equal(s.shown, { '[EMAIL_1]': EMAILS[0], '[EMAIL_2]': EMAILS[1] }[s.light], `restored ${s.light}`);
      }
      const inCode = await page.evaluate(() => document.querySelectorAll('#answers pre promptwall-pseudonym, #answers td promptwall-pseudonym, #answers li promptwall-pseudonym').length);
      assert.equal(inCode, 6, 'restored in code, table cells and list items too');
      // Page script sees placeholders only: text, attributes, the wrapper's shadow root.
      const pageView = await page.evaluate((values) => {
        const attrs = [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.value)).join('\n');
        const wrappers = [...document.querySelectorAll('promptwall-pseudonym')];
        return {
          html: document.documentElement.outerHTML.includes(values[0]) || document.documentElement.outerHTML.includes(values[1]),
          text: document.body.textContent.includes(values[0]) || document.body.innerText.includes(values[1]),
          attrs: values.some((v) => attrs.includes(v)),
          roots: wrappers.some((w) => w.shadowRoot !== null),
          answer: document.getElementById('answers').textContent,
          storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
        };
      }, EMAILS);
      assert.deepEqual([pageView.html, pageView.text, pageView.attrs, pageView.roots], [false, false, false, false], 'page script cannot read the values');
      assert.match(pageView.answer, /\[EMAIL_1\]/, 'the page keeps its placeholders');
      assert.ok(!EMAILS.some((e) => pageView.storage.includes(e)));
      // Nothing in the extension's storage either.
      const [worker] = context.serviceWorkers();
      const stored = await worker.evaluate(async () => JSON.stringify([await chrome.storage.local.get(null), await chrome.storage.session.get(null)]));
      assert.ok(!EMAILS.some((e) => stored.includes(e)), 'no value in extension storage');
      // The composer was never touched.
      assert.equal((await model(page)).trim(), '');
      // Toggle: a click on a restored value shows the pseudonyms, another shows the values again.
      await page.locator('#answers p promptwall-pseudonym').first().click();
      shown = await pseudonymDisplay(page);
      assert.ok(shown.every((s) => s.shown === s.light), 'pseudonyms shown');
      await page.locator('#answers p promptwall-pseudonym').first().click();
      shown = await pseudonymDisplay(page);
      assert.ok(shown.every((s) => EMAILS.includes(s.shown)), 'values shown again');
      await shot(page, `pseudonyms-${host}`);
      // A navigation forgets the mapping: values go back to placeholders, new answers stay as sent.
      await page.evaluate(() => PW.navigate('/c/another-conversation'));
      await until(async () => (await pseudonymDisplay(page)).every((s) => s.shown === s.light), 'placeholders after a navigation');
      await page.close();
    });
  }
});

describe('New AI sites from the signed policy, without a release', () => {
  let sites, agent, context, r;
  let seed = 1300;
  beforeEach(() => { r = rng(seed++); });

  before(async () => {
    sites = await serveSites();
    agent = new Agent({ name: 'adapters' });
    const policy = JSON.parse(readFileSync(agent.policyFile, 'utf8'));
    // A site adapter for a site no built-in adapter knows, whose send control only its adapter
    // names; and a site only listed as AI (the generic adapter guards it).
    policy.sites.adapters = [{ id: 'acme-ai', name: 'Acme AI', hosts: ['chat.promptwall-e2e.test'], editor: 'textarea', composer: ['textarea#ask'], send: ['div.go[role=button]'] }];
    policy.sites.ai = [...policy.sites.ai, 'generic.promptwall-e2e.test'];
    writeFileSync(agent.policyFile, JSON.stringify(policy, null, 2));
    await agent.startDaemon();
    ({ context } = await launchChromium(agent, { args: sites.chromiumArgs }));
  });

  after(async () => {
    await context?.close();
    await agent?.stopDaemon();
    await sites?.close();
  });

  /** Opens `host` until the content script the worker registered from the policy is there. */
  async function openGuarded(host) {
    const page = await context.newPage();
    await until(async () => {
      await page.goto(sites.url(host, '/c/new-site'));
      return page.waitForSelector('html[data-promptwall-ready]', { timeout: 1500 }).then(() => true, () => false);
    }, `the content script on ${host}`, 20000, 200);
    await page.waitForFunction(() => window.PW && PW.mounts > 0);
    return page;
  }

  it('a policy adapter guards a new host: its own send control is held and the text redacted before the page sends', async () => {
    const page = await openGuarded('chat.promptwall-e2e.test');
    assert.equal(await page.getAttribute('html', 'data-promptwall-ready'), 'acme-ai', "the policy's adapter applies");
    const card = cardNumber(r);
    const mark = await signalCount(page);
    await page.locator('textarea#ask').click();
    await page.keyboard.type(`pay with ${card} please`);
    await page.locator('div.go').click();
    assert.equal((await waitSignal(page, mark)).action, 'redact', 'the click on the adapter’s send control was inspected');
    const [s] = await sentCount(page, 1);
    assert.ok(!leaks(s, card), `the card was sent: ${s}`);
    assert.match(s, /pay with .*\d{4} please/);
    // A paste in its composer too.
    const card2 = cardNumber(r);
    assert.equal((await paste(page, 'textarea#ask', `card ${card2}`, { click: true })).action, 'redact');
    assert.ok(!leaks(await model(page), card2));
    await page.close();
  });

  it('a site the policy only lists as AI gets the generic adapter; a site it does not list is left alone', async () => {
    const page = await openGuarded('generic.promptwall-e2e.test');
    assert.equal(await page.getAttribute('html', 'data-promptwall-ready'), 'generic');
    const card = cardNumber(r);
    assert.equal((await paste(page, 'textarea#ask', `card ${card} on file`, { click: true })).action, 'redact');
    assert.ok(!leaks(await model(page), card), 'the generic adapter redacted the paste');
    await page.close();
    const other = await context.newPage();
    await other.goto(sites.url('other.promptwall-e2e.test', '/'));
    await other.waitForFunction(() => window.PW && PW.mounts > 0);
    await sleep(500);
    assert.equal(await other.getAttribute('html', 'data-promptwall-ready'), null, 'no content script on a host the policy does not list');
    await other.close();
  });
});
