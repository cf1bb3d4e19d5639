import { useEffect, useState } from 'react';
import { formatEndpoint } from '../../shared/address';
import type { SelfInfo } from '../../shared/ipc';

type SelfState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly self: SelfInfo }
  | { readonly kind: 'error'; readonly message: string };

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const MISSING_BRIDGE = 'The PacketChat bridge is missing: open this page in the app.';

function useSelf(): SelfState {
  const [state, setState] = useState<SelfState>(() =>
    window.packetChat ? { kind: 'loading' } : { kind: 'error', message: MISSING_BRIDGE },
  );
  useEffect(() => {
    const api = window.packetChat;
    if (!api) return;
    let current = true;
    const settle = (next: SelfState) => {
      if (current) setState(next);
    };
    api.getSelf().then(
      (self) => settle({ kind: 'ready', self }),
      (error: unknown) => settle({ kind: 'error', message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, []);
  return state;
}

export function App() {
  const state = useSelf();
  return (
    <main className="app">
      <h1>PacketChat</h1>
      {state.kind === 'loading' && <p role="status">Starting the node…</p>}
      {state.kind === 'error' && (
        <p role="alert" className="error">
          {state.message}
        </p>
      )}
      {state.kind === 'ready' && (
        <section className="self-card" aria-label="Me">
          <p className="nick">{state.self.nick}</p>
          <code className="endpoint">
            {formatEndpoint({ address: state.self.address, port: state.self.clientPort })}
          </code>
        </section>
      )}
    </main>
  );
}
