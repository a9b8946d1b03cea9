// Gemini: a real Quill 2 editor inside a <rich-textarea> custom element. Enter is bound to send
// (a keyboard binding ahead of Quill's own); the send button reads Quill's contents
// (quill.getText()), as the site's own code would.
import Quill from 'quill/core';
import { frame, recordFiles, recordSend, recorder, spa } from './recorder.js';

customElements.define('rich-textarea', class extends HTMLElement {});
const PW = recorder('gemini');
const dock = frame('Gemini');

function mount() {
  PW.mounts++;
  const wrap = document.createElement('div');
  wrap.className = 'composer-row';
  wrap.innerHTML = '<rich-textarea><div class="quill-host"></div></rich-textarea><label class="attach">Attach<input type="file" multiple data-testid="file-input"></label><button type="button" class="send-button" aria-label="Send message">Send</button>';
  dock.append(wrap);
  let quill;
  const text = () => quill.getText().replace(/\n$/, '');
  const send = (via) => {
    const t = text();
    if (!t.trim()) return;
    recordSend(PW, t, via);
    quill.setText('');
  };
  quill = new Quill(wrap.querySelector('.quill-host'), {
    formats: [],
    placeholder: 'Enter a prompt here',
    modules: { keyboard: { bindings: { send: { key: 'Enter', shiftKey: false, handler: () => { send('enter'); return false; } } } } },
  });
  quill.root.classList.add('composer');
  quill.root.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length) { e.preventDefault(); void recordFiles(PW, files, 'paste'); }
  });
  quill.root.addEventListener('drop', (e) => {
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) { e.preventDefault(); void recordFiles(PW, files, 'drop'); }
  });
  wrap.querySelector('button').addEventListener('click', () => send('button'));
  const file = wrap.querySelector('input[type=file]');
  file.addEventListener('change', () => { void recordFiles(PW, [...file.files], 'input'); });
  PW.model = text;
  PW.clear = () => quill.setText('');
  PW.focus = () => quill.focus();
  return () => { wrap.remove(); };
}

spa(PW, mount);
