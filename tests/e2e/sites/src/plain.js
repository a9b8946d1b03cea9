// A site no release of the extension knows (issue 18, part 3): a plain textarea and a send
// control that is a <div role=button> (no button, no form, no aria-label), so only the policy's
// adapter (its `send` selector) lets the extension hold the send. Served as
// chat.promptwall-e2e.test (adapter from the policy) and generic.promptwall-e2e.test (only listed
// in the policy's sites.ai: the generic adapter).
import { frame, recordSend, recorder, spa } from './recorder.js';

const PW = recorder('plain');
const dock = frame('Acme AI');

spa(PW, () => {
  PW.mounts++;
  const wrap = document.createElement('div');
  wrap.className = 'composer-row';
  wrap.innerHTML = '<textarea id="ask" class="composer" placeholder="Ask Acme"></textarea><div class="go" role="button" tabindex="0">Go</div>';
  dock.append(wrap);
  const ta = wrap.querySelector('textarea');
  const send = (via) => {
    if (!ta.value.trim()) return;
    recordSend(PW, ta.value, via);
    ta.value = '';
  };
  wrap.querySelector('.go').addEventListener('click', () => send('button'));
  PW.model = () => ta.value;
  PW.clear = () => { ta.value = ''; };
  PW.focus = () => ta.focus();
  return () => wrap.remove();
});
