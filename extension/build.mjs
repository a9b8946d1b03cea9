// Builds the extension into dist/<target>/ for each target:
//   chromium-dev  Chromium with the test-only `key` (pinned id aeallnljkglkjjonfebpgdfgcknmegcc),
//                 localhost test pages and the verdict signal for tests
//   chromium      store build: no key, no localhost, no test signal
//   firefox-dev / firefox   the same for Firefox (event page, gecko id promptwall@promptwall.invalid)
// Usage: node build.mjs [target ...]   (default: all)
import { build } from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const sites = JSON.parse(readFileSync(join(here, 'src/sites.json'), 'utf8'));
const DEV_KEY = readFileSync(join(here, 'dev-key.pub.b64'), 'utf8').trim();
const GECKO_ID = 'promptwall@promptwall.invalid';

const matchesOf = (adapters) => [...new Set(adapters.flatMap((a) => a.hosts.flatMap((h) => {
  const paths = a.paths?.[h];
  const scheme = h === 'localhost' || h === '127.0.0.1' ? 'http' : 'https';
  // Path-scoped adapters still match the whole host: sites route client-side, the content
  // script picks the adapter by path at run time and uses the generic fallback elsewhere.
  void paths;
  return [`${scheme}://${h}/*`];
})))];

function manifest(target) {
  const dev = target.endsWith('-dev');
  const firefox = target.startsWith('firefox');
  const matches = matchesOf([...sites.adapters, ...(dev ? sites.dev_adapters : [])]);
  const m = {
    manifest_version: 3,
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    version: pkg.version,
    default_locale: 'en',
    permissions: ['nativeMessaging', 'storage', 'scripting'],
    // Dev builds also hold the test domain of the policy-adapter tests (tests/e2e/sites/server.mjs),
    // standing in for the host permission an admin grants through the browser's managed policy.
    host_permissions: dev ? [...matches, 'https://*.promptwall-e2e.test/*'] : matches,
    optional_host_permissions: ['https://*/*'],
    background: firefox ? { scripts: ['background.js'] } : { service_worker: 'background.js' },
    content_scripts: [{ matches, js: ['content.js'], run_at: 'document_start', all_frames: true, match_about_blank: true }],
    action: { default_popup: 'popup.html', default_title: '__MSG_extName__' },
    storage: { managed_schema: 'managed_schema.json' },
  };
  if (firefox) {
    m.browser_specific_settings = { gecko: { id: GECKO_ID, strict_min_version: '128.0' } };
    delete m.storage; // Firefox reads managed storage from enterprise policies, not a schema file
  } else {
    m.minimum_chrome_version = '116';
    if (dev) m.key = DEV_KEY;
  }
  return m;
}

async function buildTarget(target) {
  const dev = target.endsWith('-dev');
  const out = join(here, 'dist', target);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: { background: 'src/background/index.ts', content: 'src/content/index.ts', popup: 'src/popup/index.ts', saw: 'src/saw/index.ts' },
    absWorkingDir: here,
    outdir: out,
    bundle: true,
    format: 'iife',
    target: ['chrome116', 'firefox128'],
    define: { __DEV__: JSON.stringify(dev) },
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  cpSync(join(here, 'static'), out, { recursive: true });
  if (target.startsWith('firefox')) rmSync(join(out, 'managed_schema.json'));
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest(target), null, 2) + '\n');
  console.log(`built dist/${target}`);
}

const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['chromium-dev', 'chromium', 'firefox-dev', 'firefox'];
for (const t of targets) await buildTarget(t);
