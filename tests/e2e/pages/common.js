// Shared by the test pages: what the page itself saw, for the tests to read (page.evaluate).
// The page registers its own listeners in the capture phase on window too: they come after the
// extension's (registered at document_start), so a listener count of 0 proves the extension
// stopped the event before the page.
window.PW = {
  sent: [],        // texts the page's own send handler received
  pastes: 0,       // paste events the page saw
  drops: 0,        // drop events the page saw
  files: [],       // {name, text} of files the page received from its file input
  model: () => '', // the editor's own state
  clear: () => {},
  send() {
    const text = PW.model();
    if (!text.trim()) return;
    PW.sent.push(text);
    PW.clear();
    const li = document.createElement('li');
    li.textContent = `sent ${text.length} characters`;
    document.getElementById('log').append(li);
  },
};
window.addEventListener('paste', () => { PW.pastes++; }, true);
window.addEventListener('drop', () => { PW.drops++; }, true);
window.addEventListener('DOMContentLoaded', () => {
  const file = document.getElementById('file');
  file?.addEventListener('change', async () => {
    for (const f of file.files) PW.files.push({ name: f.name, text: await f.text() });
  });
  document.getElementById('send')?.addEventListener('click', () => PW.send());
});
