import { describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/en';
import { createI18n, resolveLanguage } from '../../../renderer/src/i18n';
import { zhCN } from '../../../renderer/src/i18n/zh-CN';

type Tree = { readonly [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

/** Strings that are the same in both languages on purpose: names, protocols, key combinations. */
const SAME_IN_BOTH = new Set([
  'app.name',
  'files.renamed.renamedTo',
  'contacts.preview.folderOnly', // "📁 {{name}}": an icon and the folder's own name
  'app.unreadTitle',
  'search.shortcut',
  'self.tcp',
  'conversation.transportUdp',
  'conversation.transportUdpTcp',
  'message.tcp',
  'composer.size',
  'composer.tcp',
  'settings.languages.zh-CN',
  'settings.languages.en',
  'settings.ipmsg.encodings.utf-8',
  'inspector.meta',
  // The IPMsg bridge's port and the protocol's own name (FeiQ is 飞秋 in Chinese).
  'self.ipmsg',
  'protocol.IPMsg',
]);

describe('translations', () => {
  const english = flatten(en);
  const chinese = flatten(zhCN);

  it('have exactly the same keys, none empty', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of [...english, ...chinese]) expect(text.trim(), key).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of english) {
      expect(placeholders(chinese.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('are really translated', () => {
    const same = [...english].filter(([key, text]) => chinese.get(key) === text).map(([k]) => k);
    expect(same.filter((key) => !SAME_IN_BOTH.has(key))).toEqual([]);
  });
});

describe('language choice', () => {
  it('follows the OS by default: any Chinese locale is Simplified Chinese', () => {
    expect(resolveLanguage('system', 'zh-TW')).toBe('zh-CN');
    expect(resolveLanguage('system', 'zh')).toBe('zh-CN');
    expect(resolveLanguage('system', 'de-DE')).toBe('en');
    expect(resolveLanguage('en', 'zh-CN')).toBe('en');
    expect(resolveLanguage('zh-CN', 'en-US')).toBe('zh-CN');
  });

  it('interpolates without escaping (React escapes)', () => {
    const i18n = createI18n('zh-CN');
    expect(i18n.t('contacts.unread', { n: 3 })).toBe('3 条未读');
    expect(createI18n('en').t('conversation.label', { nick: '<b>' })).toBe('Conversation with <b>');
  });
});
