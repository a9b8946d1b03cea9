// Paste-to-verdict latency as the page sees it: from the paste event in the content script to
// the verdict arriving back in it (content script -> service worker -> native host [-> daemon]
// -> back), over N pastes of 1 KB and 10 KB, p50/p99. Each paste carries an e-mail address and a
// card number, so every verdict is a `redact` that the agent also records (as in
// tests/bench/host_roundtrip.py).
//
//   node bench/latency.mjs [--n 200] [--daemon] [--clean] [--json out.json]
// --clean: pastes of plain prose instead (every verdict `allow`, nothing recorded): the path
// without the agent's event write (fsync), to tell the two apart on a busy disk.
// Uses PROMPTWALL_BIN (default target/debug/promptwall; use a release build for real figures).
import { writeFileSync } from 'node:fs';
import { Agent, BIN, EXT_ID, grantClipboard, launchChromium, openPage, pct, servePages, signalCount, waitSignal } from '../harness.mjs';
import { benchPaste, prose, rng } from '../fixtures.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const N = Number(opt('--n', 200));
const useDaemon = args.includes('--daemon');
const clean = args.includes('--clean');
const out = opt('--json', null);

const server = await servePages();
const agent = new Agent({ name: 'bench' });
if (useDaemon) await agent.startDaemon();
const { context } = await launchChromium(agent);
const results = { bin: BIN, daemon: useDaemon, clean, n: N, load_before: (await import('node:os')).loadavg(), sizes: {} };
try {
  const ext = await context.newPage();
  await ext.goto(`chrome-extension://${EXT_ID}/popup.html`);
  const status = await ext.evaluate(() => chrome.runtime.sendMessage({ kind: 'status' }));
  await ext.close();
  results.agent = { version: status.hello?.agent_version, policy: status.hello?.policy_name, daemon: status.agent_status?.daemon, models: status.agent_status?.models };
  console.log(`agent ${results.agent.version}; models: ${results.agent.models}; daemon: ${results.agent.daemon}`);
  const page = await openPage(context, server.url('textarea.html'));
  const r = rng(11);
  for (const size of [1024, 10 * 1024]) {
    const texts = Array.from({ length: 20 }, () => (clean ? prose(r, size) : benchPaste(r, size)));
    // Real Ctrl+V for every paste (the extension rate-limits pastes made by page script, and the
    // user's own are what counts). The clock runs in the content script, from the paste event to
    // the verdict (and to the text being in), so the driver's round trips are not in the figures.
    await grantClipboard(page);
    await page.locator('#composer').focus();
    const verdictMs = [], insertMs = [], workerMs = [], portMs = [], actions = {};
    for (let i = -30; i < N; i++) { // 30 warm-up pastes
      await page.evaluate(async (t) => {
        const ta = document.getElementById('composer');
        ta.value = '';
        ta.focus();
        await navigator.clipboard.writeText(t);
      }, texts[(i + 60) % texts.length]);
      const mark = await signalCount(page);
      await page.keyboard.press('Control+V');
      const v = await waitSignal(page, mark, { timeoutMs: 15000 });
      if (i < 0) continue;
      verdictMs.push(v.ms);
      if (v.worker_ms != null) workerMs.push(v.worker_ms);
      if (v.port_ms != null) portMs.push(v.port_ms);
      if (v.insertedMs != null) insertMs.push(v.insertedMs);
      actions[v.action] = (actions[v.action] ?? 0) + 1;
      if (i % 50 === 0) await page.evaluate(() => document.querySelector('promptwall-overlay')?.shadowRoot?.querySelectorAll('.toast').forEach((t) => t.remove()));
    }
    const samples = { verdictMs, insertMs, workerMs, portMs, actions };
    const row = {
      verdict_p50_ms: +pct(samples.verdictMs, 0.5).toFixed(2), verdict_p99_ms: +pct(samples.verdictMs, 0.99).toFixed(2),
      port_p50_ms: +pct(samples.portMs, 0.5).toFixed(2), port_p99_ms: +pct(samples.portMs, 0.99).toFixed(2),
      worker_p50_ms: +pct(samples.workerMs, 0.5).toFixed(2), worker_p99_ms: +pct(samples.workerMs, 0.99).toFixed(2),
      inserted_p50_ms: +pct(samples.insertMs, 0.5).toFixed(2), inserted_p99_ms: +pct(samples.insertMs, 0.99).toFixed(2),
      actions: samples.actions,
    };
    results.sizes[`${size / 1024}KB`] = row;
    console.log(`${size / 1024} KB x ${N}: paste->verdict p50 ${row.verdict_p50_ms} ms p99 ${row.verdict_p99_ms} ms; paste->inserted p50 ${row.inserted_p50_ms} ms p99 ${row.inserted_p99_ms} ms; in worker+agent p50 ${row.worker_p50_ms} ms p99 ${row.worker_p99_ms} ms; native port p50 ${row.port_p50_ms} ms p99 ${row.port_p99_ms} ms; ${JSON.stringify(row.actions)}`);
  }
} finally {
  await context.close();
  await agent.stopDaemon();
  await server.close();
}
results.load_after = (await import('node:os')).loadavg();
console.log(`load average before ${results.load_before.map((x) => x.toFixed(2)).join(' ')}, after ${results.load_after.map((x) => x.toFixed(2)).join(' ')} (2 cores)`);
if (out) writeFileSync(out, JSON.stringify(results, null, 2));
