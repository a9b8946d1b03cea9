// Microsoft Copilot: a React 19 controlled <textarea> in a form. The text lives in React state;
// Enter and the submit button send that state through the form's onSubmit.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { frame, recordFiles, recordSend, recorder, spa } from './recorder.js';

const PW = recorder('copilot');
const dock = frame('Microsoft Copilot');

function Composer() {
  const [text, setText] = useState('');
  PW.model = () => text;
  PW.clear = () => flushSync(() => setText(''));
  const submit = (e, via) => {
    e?.preventDefault();
    if (!text.trim()) return;
    recordSend(PW, text, via);
    setText('');
  };
  return (
    <form className="composer-row" onSubmit={(e) => submit(e, e.nativeEvent.submitter ? 'button' : 'form')}>
      <textarea id="userInput" className="composer" placeholder="Message Copilot" value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) submit(e, 'enter'); }} />
      <label className="attach">Attach<input type="file" multiple data-testid="file-input"
        onChange={(e) => { void recordFiles(PW, [...e.target.files], 'input'); }} /></label>
      <button type="submit" data-testid="submit-button" aria-label="Submit message">Send</button>
    </form>
  );
}

spa(PW, () => {
  PW.mounts++;
  const host = document.createElement('div');
  dock.append(host);
  const root = createRoot(host);
  flushSync(() => root.render(<Composer />));
  PW.focus = () => document.getElementById('userInput').focus();
  return () => { root.unmount(); host.remove(); };
});
