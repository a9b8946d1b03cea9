// Finding the composer: the editable an event happened in (inside open shadow roots too), and
// the composer a send button belongs to. Never our own overlay.

import type { Editable } from './editors/types';
import { site } from './site';

/** Whether a node belongs to our own overlay (its shadow tree). */
export function inOverlay(n: Node): boolean {
  const root = n.getRootNode();
  return (root instanceof ShadowRoot && root.host.localName === 'promptwall-overlay') || (n instanceof Element && !!n.closest('promptwall-overlay'));
}

/** The innermost target of an event, inside open shadow roots. */
export function innerTarget(e: Event): EventTarget | null {
  const path = e.composedPath();
  return path.length ? (path[0] ?? null) : e.target;
}

/** The editable the event happened in: a textarea, or the editing host of a contenteditable. */
export function composerFrom(target: EventTarget | null): Editable | null {
  if (!(target instanceof Node)) return null;
  const elem = target instanceof Element ? target : target.parentElement;
  if (!elem || inOverlay(elem)) return null;
  if (elem instanceof HTMLTextAreaElement) return elem;
  if (elem instanceof HTMLInputElement) return elem.matches(site().composer) ? elem : null;
  if (!(elem instanceof HTMLElement) || !elem.isContentEditable) return null;
  let root: HTMLElement = elem as HTMLElement;
  while (root.parentElement && root.parentElement.isContentEditable) root = root.parentElement;
  return root;
}

/** Every element matching `sel` in the document and in open shadow roots under it. */
function deepQueryAll(sel: string, from: Document | ShadowRoot | Element = document): HTMLElement[] {
  const out = [...from.querySelectorAll<HTMLElement>(sel)];
  const walk = (n: Document | ShadowRoot | Element) => {
    for (const e of n.querySelectorAll('*')) {
      if (e.shadowRoot && !inOverlay(e)) {
        out.push(...e.shadowRoot.querySelectorAll<HTMLElement>(sel));
        walk(e.shadowRoot);
      }
    }
  };
  if (out.length === 0) walk(from); // shadow roots only when the light DOM has none
  return out;
}

/** The composer a send button belongs to: in the same form (or shadow root) if there is one, else the adapter's. */
export function composerForButton(btn: Element): Editable | null {
  const sel = site().composer;
  const scope = btn.closest('form');
  const root = btn.getRootNode();
  const candidates = [
    ...(scope ? scope.querySelectorAll<HTMLElement>(sel) : []),
    ...(root instanceof ShadowRoot ? root.querySelectorAll<HTMLElement>(sel) : []),
    ...deepQueryAll(sel),
  ];
  for (const c of candidates) {
    const ed = composerFrom(c);
    if (ed) return ed;
  }
  return null;
}
