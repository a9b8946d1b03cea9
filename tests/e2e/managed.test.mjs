// Device management's fail mode against the policy's: the stricter wins. Chromium reads
// extension policy ("3rdparty") from /etc/chromium/policies/managed on Linux, which only root can
// write: the test writes one for the development extension, and removes it afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, EXT_ID, launchChromium, openPage, paste, servePages, until } from './harness.mjs';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = `${POLICY_DIR}/promptwall-e2e-managed-failmode.json`;
const root = process.getuid?.() === 0;

describe('Chromium: managed fail mode', { skip: root ? false : 'SKIPPED: writing Chromium\'s managed policy needs root' }, () => {
  let server, agent, context;

  before(async () => {
    mkdirSync(POLICY_DIR, { recursive: true });
    writeFileSync(POLICY_FILE, JSON.stringify({ '3rdparty': { extensions: { [EXT_ID]: { failMode: 'closed' } } } }));
    server = await servePages();
    // The agent's policy says fail open; device management says closed.
    agent = new Agent({ name: 'managed', failMode: 'open' });
    ({ context } = await launchChromium(agent));
  });

  after(async () => {
    await context?.close();
    await server?.close();
    rmSync(POLICY_FILE, { force: true });
  });

  it('managed fail-closed wins over a fail-open policy when the agent is gone', async () => {
    const page = await openPage(context, server.url('textarea.html'));
    // The worker hears the agent's (open) policy first, then the agent goes away.
    assert.equal((await paste(page, '#composer', 'warm up')).action, 'allow');
    agent.setHost('missing');
    for (const pid of agent.hostPids()) process.kill(pid, 'SIGKILL');
    await until(() => agent.hostPids().length === 0, 'the host to be gone');
    await page.evaluate(() => PW.clear());
    const v = await paste(page, '#composer', 'text while the agent is gone', { waitInsert: false });
    assert.equal(v.action, 'unavailable');
    assert.equal(v.by, 'closed', 'the stricter of managed (closed) and policy (open) applies');
    assert.equal(await page.evaluate(() => PW.model()), '', 'nothing reached the composer');
    await page.close();
  });
});
