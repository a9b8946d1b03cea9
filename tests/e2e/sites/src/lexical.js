// Perplexity: a real Lexical plain-text editor (#ask-input). Enter is a Lexical command that
// sends the editor state's text; the submit button reads the state too.
import { $createParagraphNode, $getRoot, COMMAND_PRIORITY_HIGH, KEY_ENTER_COMMAND, createEditor } from 'lexical';
import { registerPlainText } from '@lexical/plain-text';
import { frame, recordSend, recorder, spa } from './recorder.js';

const PW = recorder('perplexity');
const dock = frame('Perplexity');

function mount() {
  PW.mounts++;
  const wrap = document.createElement('div');
  wrap.className = 'composer-row';
  wrap.innerHTML = '<div id="ask-input" class="composer" contenteditable="true" role="textbox" aria-label="Ask anything"></div><button type="button" data-testid="submit-button" aria-label="Submit">Send</button>';
  dock.append(wrap);
  const editor = createEditor({ namespace: 'perplexity-test', onError: (e) => console.error(e) });
  editor.setRootElement(wrap.querySelector('#ask-input'));
  const unregister = registerPlainText(editor);
  const text = () => editor.getEditorState().read(() => $getRoot().getTextContent());
  const clear = () => editor.update(() => { const root = $getRoot(); root.clear(); root.append($createParagraphNode()); }, { discrete: true });
  const send = (via) => {
    const t = text();
    if (!t.trim()) return;
    recordSend(PW, t, via);
    clear();
  };
  const unEnter = editor.registerCommand(KEY_ENTER_COMMAND, (e) => {
    if (e?.shiftKey) return false;
    e?.preventDefault();
    send('enter');
    return true;
  }, COMMAND_PRIORITY_HIGH);
  wrap.querySelector('button').addEventListener('click', () => send('button'));
  PW.model = text;
  PW.clear = clear;
  PW.focus = () => editor.focus();
  return () => { unEnter(); unregister(); editor.setRootElement(null); wrap.remove(); };
}

spa(PW, mount);
