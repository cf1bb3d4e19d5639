// Every string a person can see (text, placeholders, accessible names, tooltips, the title),
// except content marked translate="no": nicknames, addresses, message text, packet fields. Those
// are data, the same in every language; everything else must come from the active language.
import type { Page } from 'playwright-core';

/** Plain JavaScript run in the page (a string: see page-bridge.ts for why). */
const COLLECT = `(() => {
  const out = new Set();
  const shown = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
  const isData = (el) => el.closest('[translate="no"]') !== null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = (node.textContent || '').trim();
    if (!el || text === '' || isData(el) || !shown(el)) continue;
    const option = el.closest('option');
    if (option && !option.selected) continue;
    out.add(text);
  }
  for (const el of document.body.querySelectorAll('[placeholder],[aria-label],[title]')) {
    if (isData(el) || !shown(el)) continue;
    for (const name of ['placeholder', 'aria-label', 'title']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value !== '') out.add(value);
    }
  }
  out.add(document.title);
  return [...out];
})()`;

export function visibleStrings(page: Page): Promise<string[]> {
  return page.evaluate(COLLECT);
}

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;
/** Names and notation that read the same in both languages. */
const UNIVERSAL = /PacketChat|UDP|TCP|IPv4|Ctrl\+K|English|简体中文|\bms\b|\bKiB\b|\bB\b/g;
const ENDPOINT = /\b\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?\b/g;
const NOTATION = /^[\d\s.,:;·()[\]/+#%→←⇄–—-]*$/;

/** What is left of a string once data (`data`: nicknames, hosts, texts) and notation are removed. */
function wording(text: string, data: readonly string[]): string {
  let rest = text;
  for (const item of data) rest = rest.split(item).join(' ');
  return rest.replace(ENDPOINT, ' ').replace(UNIVERSAL, ' ').trim();
}

/** Strings that are not in Simplified Chinese (wording without a single CJK character). */
export function notChinese(strings: readonly string[], data: readonly string[]): string[] {
  return strings.filter((s) => {
    const rest = wording(s, data);
    return !NOTATION.test(rest) && !CJK.test(rest);
  });
}

/** Strings that are not in English (wording with CJK characters). */
export function notEnglish(strings: readonly string[], data: readonly string[]): string[] {
  return strings.filter((s) => CJK.test(wording(s, data)));
}
