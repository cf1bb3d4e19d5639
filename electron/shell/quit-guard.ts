export interface QuitGuard {
  onBeforeQuit(event: { preventDefault(): void }): void;
  onWindowAllClosed(): void;
}

/**
 * Holds the quit until the node has closed its sockets, then quits for real. `quit()` fires
 * `before-quit` again, which then passes: no loop, and a second Ctrl+Q while closing is a no-op.
 */
export function createQuitGuard(
  closeNode: () => Promise<void>,
  quit: () => void,
  onError: (error: unknown) => void,
): QuitGuard {
  let state: 'running' | 'closing' | 'closed' = 'running';

  async function shutDown(): Promise<void> {
    if (state !== 'running') return;
    state = 'closing';
    try {
      await closeNode();
    } catch (error) {
      // Report and quit anyway: a socket that fails to close must not keep the app alive.
      onError(error);
    }
    state = 'closed';
    quit();
  }

  return {
    onBeforeQuit(event) {
      if (state === 'closed') return;
      event.preventDefault();
      void shutDown();
    },
    onWindowAllClosed() {
      void shutDown();
    },
  };
}
