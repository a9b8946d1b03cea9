// Chromium against the native host the .deb installed: the test profile gets no host manifest
// of its own, so Chromium finds /etc/chromium/native-messaging-hosts/com.promptwall.agent.json,
// starts /usr/lib/promptwall/promptwall-native-host, which runs /usr/bin/promptwall. Run by
// scripts/test-installer.sh while the package is installed (PROMPTWALL_BIN=/usr/bin/promptwall),
// with the harness of tests/e2e (extension built, tests/e2e/node_modules installed).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, launchChromium, openPage, paste, servePages } from '../../tests/e2e/harness.mjs';
import { privateKey, rng } from '../../tests/e2e/fixtures.mjs';

const SYSTEM_MANIFEST = '/etc/chromium/native-messaging-hosts/com.promptwall.agent.json';
const MANAGED_CONFIG = '/etc/promptwall/agent.json';
let server, agent, context, savedConfig;

before(async () => {
  assert.ok(existsSync(SYSTEM_MANIFEST), `${SYSTEM_MANIFEST}: install the .deb first`);
  server = await servePages();
  agent = new Agent({ name: 'system-host' });
  // No manifest in the profile, and the harness's own wrapper fails if anything starts it.
  agent.installManifest = () => {};
  agent.setHost('missing');
  // A release host takes no PROMPTWALL_* settings from its environment: it reads the managed
  // configuration (root-owned, as device management writes it) and the user's standard folders.
  // So this test points the managed configuration's policy_override at this agent's policy (which
  // counts 127.0.0.1 as an AI site), restored afterwards, and the XDG folders the browser passes
  // on at this agent's data folder.
  savedConfig = readFileSync(MANAGED_CONFIG, 'utf8');
  const cfg = JSON.parse(savedConfig);
  cfg.policy_override = agent.policyFile;
  writeFileSync(MANAGED_CONFIG, JSON.stringify(cfg, null, 2));
  const xdgData = join(agent.root, 'xdg-data');
  const xdgRun = join(agent.root, 'xdg-run');
  mkdirSync(xdgData, { mode: 0o700 });
  mkdirSync(xdgRun, { mode: 0o700 });
  symlinkSync(agent.dataDir, join(xdgData, 'promptwall'));
  Object.assign(process.env, { XDG_DATA_HOME: xdgData, XDG_RUNTIME_DIR: xdgRun });
  ({ context } = await launchChromium(agent));
});

after(async () => {
  await context?.close();
  await server?.close();
  if (savedConfig != null) writeFileSync(MANAGED_CONFIG, savedConfig);
});

it('the installed host blocks a pasted private key and records the event', async () => {
  const manifest = JSON.parse(readFileSync(SYSTEM_MANIFEST, 'utf8'));
  assert.equal(manifest.path, '/usr/lib/promptwall/promptwall-native-host');
  const page = await openPage(context, server.url('textarea.html'));
  const key = privateKey(rng(8));
  const v = await paste(page, '#composer', `deploy key:\n${key}`, { waitInsert: false });
  assert.equal(v.action, 'block', JSON.stringify(v));
  assert.ok(!v.failed, `the verdict came from the agent, not the fail mode: ${JSON.stringify(v)}`);
  const events = agent.events();
  assert.ok(events.length >= 1, 'the installed host recorded the decision in this agent\'s data folder');
  await page.close();
});
