// ChatGPT and Claude: a real ProseMirror editor (prosemirror-state/view/model, the basic schema).
// Enter sends the editor STATE's text through the page's own handler (ChatGPT: by submitting its
// form; Claude: directly); the send button reads the state too. Paste and drop are ProseMirror's
// own (files in them are recorded as attachments).
import { EditorState } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import { schema } from 'prosemirror-schema-basic';
import { keymap } from 'prosemirror-keymap';
import { baseKeymap } from 'prosemirror-commands';
import { frame, recordFiles, recordSend, recorder, spa } from './recorder.js';

const SITES = {
  chatgpt: { title: 'ChatGPT', form: true, editorAttrs: { id: 'prompt-textarea', 'aria-label': 'Message ChatGPT' },
    button: '<button type="submit" id="composer-submit-button" data-testid="send-button" aria-label="Send prompt">Send</button>' },
  claude: { title: 'Claude', form: false, editorAttrs: { 'aria-label': 'Write your prompt to Claude' },
    button: '<button type="button" aria-label="Send message">Send</button>' },
};

const site = SITES[document.body.dataset.site];
const PW = recorder(document.body.dataset.site);
const dock = frame(site.title);

function mount() {
  PW.mounts++;
  const wrap = document.createElement(site.form ? 'form' : 'div');
  wrap.className = 'composer-row';
  wrap.innerHTML = `<div class="editor-host"></div><label class="attach">Attach<input type="file" multiple data-testid="file-input"></label>${site.button}`;
  dock.append(wrap);
  let view;
  const text = () => view.state.doc.textBetween(0, view.state.doc.content.size, '\n', '\n');
  const fresh = () => EditorState.create({ schema, plugins });
  const send = (via) => {
    const t = text();
    if (!t.trim()) return;
    recordSend(PW, t, via);
    view.updateState(fresh());
    // ChatGPT moves a new chat to its own URL on the first send.
    if (site.form && !location.pathname.startsWith('/c/')) history.replaceState({}, '', `/c/${Math.random().toString(36).slice(2, 10)}`);
  };
  const plugins = [
    keymap({
      Enter: () => {
        if (site.form) wrap.requestSubmit();
        else send('enter');
        return true;
      },
      'Shift-Enter': baseKeymap.Enter,
    }),
    keymap(baseKeymap),
  ];
  view = new EditorView(wrap.querySelector('.editor-host'), {
    state: fresh(),
    attributes: { ...site.editorAttrs, class: 'composer', role: 'textbox', 'aria-multiline': 'true' },
    handlePaste: (_v, e) => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (files.length) { void recordFiles(PW, files, 'paste'); return true; }
      return false;
    },
    handleDrop: (_v, e) => {
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) { void recordFiles(PW, files, 'drop'); return true; }
      return false;
    },
  });
  const button = wrap.querySelector('button');
  if (site.form) wrap.addEventListener('submit', (e) => { e.preventDefault(); send(e.submitter ? 'button' : 'form'); });
  else button.addEventListener('click', () => send('button'));
  const file = wrap.querySelector('input[type=file]');
  file.addEventListener('change', () => { void recordFiles(PW, [...file.files], 'input'); });
  PW.model = text;
  PW.clear = () => view.updateState(fresh());
  PW.focus = () => view.focus();
  return () => { view.destroy(); wrap.remove(); };
}

spa(PW, mount);
