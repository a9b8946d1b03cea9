// Test copies of the AI sites' composers, built on the real editor libraries from npm and served
// over local HTTPS under the real host names. Chromium is started with
// --host-resolver-rules="MAP chatgpt.com 127.0.0.1:PORT, …" and --ignore-certificate-errors, so
// the production build's match patterns and sites.json apply unchanged.
//
//   chatgpt.com            ProseMirror in a form (#prompt-textarea, send-button; Enter submits)
//   claude.ai              ProseMirror (Enter and "Send message" read the editor state)
//   gemini.google.com      Quill 2 in <rich-textarea> (Enter binding, button.send-button)
//   copilot.microsoft.com  React 19 controlled textarea#userInput in a form
//   www.perplexity.ai      Lexical plain text (#ask-input)
//   chatgpt.com/lab/…      shadow DOM, iframes and a hostile page (src/lab.js)
//
// The certificate is made at test time with the openssl CLI (self-signed, SANs for every host).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export const SITES = {
  'chatgpt.com': { site: 'chatgpt', bundle: 'prosemirror', editor: '#prompt-textarea', send: "button[data-testid='send-button']" },
  'claude.ai': { site: 'claude', bundle: 'prosemirror', editor: 'div.ProseMirror[contenteditable=true]', send: "button[aria-label='Send message']" },
  'gemini.google.com': { site: 'gemini', bundle: 'quill', editor: 'rich-textarea .ql-editor', send: 'button.send-button' },
  'copilot.microsoft.com': { site: 'copilot', bundle: 'react', editor: 'textarea#userInput', send: "button[data-testid='submit-button']" },
  'www.perplexity.ai': { site: 'perplexity', bundle: 'lexical', editor: '#ask-input', send: "button[data-testid='submit-button']" },
};
/** Hosts no built-in adapter knows (issue 18, part 3): guarded only through the policy (a site
 * adapter in `sites.adapters`, or `sites.ai` and the generic adapter). The development build holds
 * the host permission for *.promptwall-e2e.test, standing in for the grant an admin gives with the
 * browser's managed policy (docs/deploy.md). */
export const EXTRA_SITES = {
  'chat.promptwall-e2e.test': { site: 'plain', bundle: 'plain' },
  'generic.promptwall-e2e.test': { site: 'plain', bundle: 'plain' },
  'other.promptwall-e2e.test': { site: 'plain', bundle: 'plain' },
};
export const HOSTS = [...Object.keys(SITES), ...Object.keys(EXTRA_SITES)];

const ENTRIES = { prosemirror: 'src/prosemirror.js', quill: 'src/quill.js', react: 'src/react.jsx', lexical: 'src/lexical.js', lab: 'src/lab.js', plain: 'src/plain.js' };

let bundles = null;
/** Bundles every page script (esbuild, in memory; about a second). */
async function bundle() {
  if (bundles) return bundles;
  const out = await build({
    entryPoints: ENTRIES, absWorkingDir: HERE, bundle: true, write: false, outdir: 'out', format: 'iife',
    target: ['chrome116'], jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"' }, minify: false,
    logLevel: 'warning', nodePaths: [join(HERE, '../node_modules')],
  });
  bundles = {};
  for (const f of out.outputFiles) bundles[f.path.split('/').pop().replace(/\.js$/, '')] = f.contents;
  return bundles;
}

function certificate() {
  const dir = mkdtempSync(join(tmpdir(), 'pw-e2e-tls-'));
  const key = join(dir, 'key.pem'), cert = join(dir, 'cert.pem');
  const san = [...HOSTS, 'localhost'].map((h) => `DNS:${h}`).join(',');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=promptwall-e2e', '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

const shell = (site, bundleName) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${site}</title><link rel="stylesheet" href="/assets/site.css"></head>
<body data-site="${site}"><div id="app"></div><script src="/assets/${bundleName}.js"></script></body></html>`;

/** Starts the HTTPS server; `url(host, path)` is the address the browser uses. */
export async function serveSites() {
  const js = await bundle();
  const css = readFileSync(join(HERE, 'site.css'));
  const server = createServer(certificate(), (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = new URL(req.url, 'https://x').pathname;
    const asset = path.match(/^\/assets\/([a-z]+)\.(js|css)$/);
    if (asset) {
      const body = asset[2] === 'css' ? css : js[asset[1]];
      if (!body) return res.writeHead(404).end();
      return res.writeHead(200, { 'content-type': asset[2] === 'css' ? 'text/css' : 'text/javascript' }).end(body);
    }
    const s = SITES[host] ?? EXTRA_SITES[host];
    if (!s) return res.writeHead(404).end();
    if (path.startsWith('/lab/')) {
      if (path === '/lab/frame') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body><script src="/assets/lab.js"></script></body></html>');
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shell('lab', 'lab'));
    }
    if (path === '/favicon.ico') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shell(s.site, s.bundle));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    port,
    url: (host, path = '/') => `https://${host}${path}`,
    /** Chromium flags that send the real host names here and accept the test certificate. */
    chromiumArgs: [`--host-resolver-rules=${HOSTS.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ')}, EXCLUDE localhost`, '--ignore-certificate-errors'],
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
