import { describe, expect, it, vi } from 'vitest';
import { createQuitGuard } from '../../../electron/shell/quit-guard';

describe('createQuitGuard', () => {
  function deferred() {
    let resolve = () => {};
    const promise = new Promise<void>((res) => {
      resolve = res;
    });
    return { promise, resolve };
  }

  it('holds the quit until the backend has closed, then quits once', async () => {
    const closing = deferred();
    const close = vi.fn(() => closing.promise);
    const quit = vi.fn();
    const guard = createQuitGuard(close, quit, vi.fn());

    const first = { preventDefault: vi.fn() };
    guard.onBeforeQuit(first);
    guard.onWindowAllClosed();
    const second = { preventDefault: vi.fn() };
    guard.onBeforeQuit(second);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(second.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledOnce();
    expect(quit).not.toHaveBeenCalled();

    closing.resolve();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    const final = { preventDefault: vi.fn() };
    guard.onBeforeQuit(final);
    expect(final.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledOnce();
  });

  it('reports a failed close and quits anyway', async () => {
    const failure = new Error('close failed');
    const quit = vi.fn();
    const onError = vi.fn();
    createQuitGuard(() => Promise.reject(failure), quit, onError).onWindowAllClosed();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    expect(onError).toHaveBeenCalledWith(failure);
  });
});
