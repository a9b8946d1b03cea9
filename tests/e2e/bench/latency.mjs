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
import { Agent, BIN, EXT_ID, launchChromium, openPage, pct, servePages } from '../harness.mjs';
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
    // In-page loop: no Playwright round trip between pastes.
    const samples = await page.evaluate(async ({ texts, n }) => {
      const ta = document.getElementById('composer');
      const verdictMs = [], insertMs = [], workerMs = [], portMs = [], actions = {};
      for (let i = -30; i < n; i++) { // 30 warm-up pastes
        ta.value = '';
        ta.focus();
        const got = new Promise((resolve) => {
          let verdict = null;
          document.addEventListener('promptwall:verdict', function on(e) {
            const d = JSON.parse(e.detail);
            if (d.action) verdict = d;
            if (d.inserted || (verdict && verdict.action !== 'allow' && verdict.action !== 'redact')) {
              document.removeEventListener('promptwall:verdict', on);
              resolve({ verdict, inserted: d.inserted ? d.ms : null });
            }
          });
        });
        const dt = new DataTransfer();
        dt.setData('text/plain', texts[(i + 60) % texts.length]);
        ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        const { verdict, inserted } = await got;
        if (i < 0) continue;
        verdictMs.push(verdict.ms);
        if (verdict.worker_ms != null) workerMs.push(verdict.worker_ms);
        if (verdict.port_ms != null) portMs.push(verdict.port_ms);
        if (inserted != null) insertMs.push(inserted);
        actions[verdict.action] = (actions[verdict.action] ?? 0) + 1;
        // Let toasts and the event loop settle, as between real pastes.
        await new Promise((r) => setTimeout(r, 5));
      }
      document.querySelector('promptwall-overlay')?.shadowRoot?.querySelectorAll('.toast').forEach((t) => t.remove());
      return { verdictMs, insertMs, workerMs, portMs, actions };
    }, { texts, n: N });
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
