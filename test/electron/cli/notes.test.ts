import { describe, expect, it } from 'vitest';
import { isOnThisHost, otherCopyNoter, usesLoopbackFallback } from '../../../electron/cli/notes';
import { contact, selfInfo } from './cli-fixtures';

describe('usesLoopbackFallback', () => {
  it('is true when the node announces to the loopback broadcast without --broadcast', () => {
    const alone = selfInfo({ discoveryTargets: ['127.255.255.255:8000'] });
    expect(usesLoopbackFallback(alone, false)).toBe(true);
    // Asked for on purpose: nothing to explain.
    expect(usesLoopbackFallback(alone, true)).toBe(false);
    expect(usesLoopbackFallback(selfInfo(), false)).toBe(false);
  });
});

describe('another copy on this host', () => {
  const self = selfInfo();
  it('is a peer talking from loopback or from one of our addresses', () => {
    expect(isOnThisHost(self, { address: '127.0.0.1' })).toBe(true);
    expect(isOnThisHost(self, { address: '127.0.0.2' })).toBe(true);
    expect(isOnThisHost(self, { address: '192.168.1.23' })).toBe(true);
    expect(isOnThisHost(self, { address: '192.168.1.5' })).toBe(false);
  });

  it('is told once per run, and only for a peer that is online', () => {
    const noter = otherCopyNoter();
    expect(noter(self, contact('far'))).toBe(false);
    expect(noter(self, contact('gone', { address: '127.0.0.1', online: false }))).toBe(false);
    expect(noter(self, contact('near', { address: '127.0.0.1' }))).toBe(true);
    expect(noter(self, contact('near2', { address: '192.168.1.23' }))).toBe(false);
  });
});
