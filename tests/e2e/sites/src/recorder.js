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
