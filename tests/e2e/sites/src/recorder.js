// What the test page itself saw, for the tests to read with page.evaluate. `sent` holds exactly
// what the page's own send handler read from its editor's model (ProseMirror state, Quill
// contents, React state, Lexical state) — never the DOM — so a test that asserts on it asserts on
// what would have left the page.
export function recorder(site) {
  const PW = {
    site,
    sent: [],        // texts the page's send handler took from the editor's model
    sends: [],       // {text, path, via} for each send
    files: [],       // {name, size, text|null, via} the page received (file input, paste, drop)
    pastes: 0,       // paste events that reached the page's own listener
    drops: 0,        // drop events that reached the page's own listener
    mounts: 0,       // composer (re)mounts (SPA navigation re-mounts it)
    model: () => '', // the editor's own state as text
    clear: () => {},
    focus: () => {},
    navigate: (path) => {},
    echo: false,     // when set, the page's "AI" answers each send (see answer())
    answered: 0,     // answers fully streamed
  };
  window.PW = PW;
  // Registered after the extension's (which runs at document_start), in the capture phase on
  // window too: a count of 0 proves the extension stopped the event before the page.
  window.addEventListener('paste', () => { PW.pastes++; }, true);
  window.addEventListener('drop', () => { PW.drops++; }, true);
  return PW;
}

/** Records a send and lists it in the page's conversation log. */
export function recordSend(PW, text, via) {
  PW.sent.push(text);
  PW.sends.push({ text, path: location.pathname, via });
  const li = document.createElement('li');
  li.textContent = `sent ${text.length} characters (${via})`;
  document.getElementById('log')?.append(li);
  if (PW.echo) void answer(PW, text);
}

const sleepMs = (ms) => new Promise((r) => setTimeout(r, ms));

/** The page's "AI": echoes the placeholders it was sent (`[EMAIL_1]`) in prose, a list, a table
 * and a code block, streamed in chunks of three characters, each chunk a new text node (so a
 * placeholder arrives split over several nodes), as chat sites stream their answers. */
async function answer(PW, text) {
  const seen = [...new Set(text.match(/\[[A-Z][A-Z0-9_]*_\d+\]/g) ?? [])];
  let area = document.getElementById('answers');
  if (!area) {
    area = document.createElement('section');
    area.id = 'answers';
    area.className = 'answers';
    document.querySelector('main').append(area);
  }
  const turn = document.createElement('article');
  turn.className = 'answer';
  area.append(turn);
  const list = seen.join(' and ') || 'nobody';
  const blocks = [
    ['p', `I will write to ${list} today.`],
    ['ul', seen.map((s) => `Contact: ${s}`)],
    ['table', seen.map((s, i) => [`row ${i + 1}`, s])],
    ['pre', `notify(${JSON.stringify(seen)})`],
  ];
  const stream = async (el, s) => {
    for (let i = 0; i < s.length; i += 3) {
      el.append(document.createTextNode(s.slice(i, i + 3)));
      await sleepMs(1);
    }
  };
  for (const [tag, body] of blocks) {
    if (tag === 'p') { const p = document.createElement('p'); turn.append(p); await stream(p, body); }
    if (tag === 'ul') {
      const ul = document.createElement('ul');
      turn.append(ul);
      for (const item of body) { const li = document.createElement('li'); ul.append(li); await stream(li, item); }
    }
    if (tag === 'table') {
      const table = document.createElement('table');
      turn.append(table);
      for (const row of body) {
        const tr = table.insertRow();
        for (const cell of row) await stream(tr.insertCell(), cell);
      }
    }
    if (tag === 'pre') { const pre = document.createElement('pre'); const code = document.createElement('code'); pre.append(code); turn.append(pre); await stream(code, body); }
  }
  PW.answered++;
}

export async function recordFiles(PW, files, via) {
  for (const f of files) {
    const buf = new Uint8Array(await f.arrayBuffer());
    let text = null;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(buf); } catch { /* binary */ }
    PW.files.push({ name: f.name, size: f.size, text, via });
  }
}

/** The page frame every site shares: a header with "New chat", the log, and the composer dock
 * fixed at the bottom of the window (as on the real sites). Returns the dock. */
export function frame(title) {
  document.title = `${title} (Promptwall test page)`;
  const app = document.getElementById('app');
  app.innerHTML = `<header><strong>${title}</strong> <a href="/" id="new-chat" data-testid="new-chat">New chat</a></header>
<main><ol id="log"></ol></main><div id="dock" class="dock"></div>`;
  return document.getElementById('dock');
}

/** Client-side routing like the real sites: pushState, then the app re-mounts its composer. */
export function spa(PW, mount) {
  let unmount = mount();
  PW.navigate = (path) => {
    history.pushState({}, '', path);
    unmount();
    unmount = mount();
  };
  document.getElementById('new-chat').addEventListener('click', (e) => {
    e.preventDefault();
    PW.navigate(`/c/${Math.random().toString(36).slice(2, 10)}`);
  });
  window.addEventListener('popstate', () => { unmount(); unmount = mount(); });
}
