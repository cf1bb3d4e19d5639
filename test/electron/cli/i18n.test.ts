import { describe, expect, it } from 'vitest';
import { DICTIONARIES, languageFromEnv, translator } from '../../../electron/cli/i18n';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('the CLI dictionaries', () => {
  const en = DICTIONARIES.en;
  const zh = DICTIONARIES['zh-CN'];

  it('have the same keys', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.keys(en))('%s: same placeholders in both languages, no empty text', (key) => {
    const english = en[key as keyof typeof en];
    const chinese = zh[key as keyof typeof zh];
    expect(chinese.trim()).not.toBe('');
    expect(placeholders(chinese)).toEqual(placeholders(english));
  });
});

describe('languageFromEnv', () => {
  it.each([
    [{}, 'en'],
    [{ LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_TW.UTF-8' }, 'zh-CN'],
    [{ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_CN.UTF-8', LC_MESSAGES: 'C' }, 'en'],
    [{ LANG: 'zh_CN.UTF-8', LC_ALL: 'en_GB.UTF-8' }, 'en'],
    [{ LC_ALL: 'zh_CN.GB18030', LC_MESSAGES: 'C' }, 'zh-CN'],
    // An empty variable is unset (POSIX): the next one decides.
    [{ LC_ALL: '', LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'de_DE.UTF-8' }, 'en'],
  ])('%o -> %s', (env, language) => {
    expect(languageFromEnv(env)).toBe(language);
  });
});

describe('translator', () => {
  it('fills placeholders, leaves unknown ones, and never re-reads filled text', () => {
    const t = translator('en');
    expect(t('talkingTo', { peer: 'alice {peer}' })).toBe('Talking to alice {peer}');
    expect(t('talkingTo')).toBe('Talking to {peer}');
    expect(translator('zh-CN')('talkingTo', { peer: '小明' })).toBe('正在与 小明 聊天');
  });
});
