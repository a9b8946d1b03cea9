// Composers where the real sites sometimes put them, served under chatgpt.com/lab/…:
//   /lab/shadow   a contenteditable and a textarea inside custom elements' open shadow roots
//   /lab/iframe   a textarea in a srcdoc iframe and one in a same-origin iframe
//   /lab/frame    the same-origin iframe's document
// Each keeps its own model (updated from input events) and sends it on Enter; sends are recorded
// in the top page's PW.
import { recordSend, recorder } from './recorder.js';

const kind = location.pathname.split('/')[2];
const top = window.top;

function composerHandlers(el, getText, clear, label) {
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      const t = getText();
      if (t.trim()) { recordSend(top.PW, t, label); clear(); }
    }
  });
}

if (kind === 'frame') {
  document.body.innerHTML = '<textarea id="framed" class="composer" aria-label="Framed composer"></textarea>';
  const ta = document.getElementById('framed');
  composerHandlers(ta, () => ta.value, () => { ta.value = ''; }, 'frame');
} else {
  const PW = recorder(`lab-${kind}`);
  const app = document.getElementById('app');
  app.innerHTML = '<header><strong>Lab</strong></header><main><ol id="log"></ol></main><div id="dock" class="dock"></div>';
  const dock = document.getElementById('dock');
  if (kind === 'shadow') {
    customElements.define('pw-rich-composer', class extends HTMLElement {
      constructor() {
        super();
        const root = this.attachShadow({ mode: 'open' });
        root.innerHTML = '<div class="inner" contenteditable="true" role="textbox" aria-label="Shadow composer" style="min-height:60px;border:1px solid #999;padding:6px"></div>';
        const ed = root.querySelector('.inner');
        let model = '';
        ed.addEventListener('input', () => { model = ed.innerText; });
        composerHandlers(ed, () => model, () => { model = ''; ed.textContent = ''; }, 'shadow-rich');
        this.model = () => model;
      }
    });
    customElements.define('pw-plain-composer', class extends HTMLElement {
      constructor() {
        super();
        const root = this.attachShadow({ mode: 'open' });
        root.innerHTML = '<textarea aria-label="Shadow textarea" style="width:100%;min-height:60px"></textarea>';
        const ta = root.querySelector('textarea');
        composerHandlers(ta, () => ta.value, () => { ta.value = ''; }, 'shadow-plain');
        this.model = () => ta.value;
      }
    });
    dock.innerHTML = '<pw-rich-composer id="rich"></pw-rich-composer><pw-plain-composer id="plain"></pw-plain-composer>';
    PW.model = () => document.getElementById('rich').model();
  } else if (kind === 'iframe') {
    dock.innerHTML = `<iframe id="srcdoc" title="srcdoc composer" style="width:100%;height:90px"></iframe><iframe id="same" title="framed composer" src="/lab/frame" style="width:100%;height:90px"></iframe>`;
    const f = document.getElementById('srcdoc');
    f.srcdoc = '<textarea id="framed" aria-label="srcdoc composer" style="width:95%;height:60px"></textarea>';
    f.addEventListener('load', () => {
      const ta = f.contentDocument.getElementById('framed');
      composerHandlers(ta, () => ta.value, () => { ta.value = ''; }, 'srcdoc');
    });
  } else {
    // /lab/hostile: a plain textarea composer whose page script also tries to act for the user.
    dock.innerHTML = '<form class="composer-row"><textarea id="composer" class="composer"></textarea><button type="button" data-testid="send-button">Send</button></form>';
    const ta = document.getElementById('composer');
    composerHandlers(ta, () => ta.value, () => { ta.value = ''; }, 'enter');
    ta.addEventListener('paste', (e) => {
      // Like an editor's own paste handling: inserts what the (possibly synthetic) event carries.
      e.preventDefault();
      ta.setRangeText(e.clipboardData.getData('text/plain'), ta.selectionStart, ta.selectionEnd, 'end');
    });
    document.querySelector('[data-testid=send-button]').addEventListener('click', () => {
      if (ta.value.trim()) { recordSend(PW, ta.value, 'button'); ta.value = ''; }
    });
    PW.model = () => ta.value;
    PW.clear = () => { ta.value = ''; };
  }
}
