import type { IpcResult } from '../../../shared/ipc/contract';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface Load {
  readonly status: LoadStatus;
  readonly error: string | null;
}

export const IDLE: Load = { status: 'idle', error: null };
export const LOADING: Load = { status: 'loading', error: null };
export const READY: Load = { status: 'ready', error: null };
export const failed = (error: string): Load => ({ status: 'error', error });

/**
 * Awaits a call and never throws: a broken bridge (a rejected promise) becomes an `unavailable`
 * result, so every caller handles exactly one error path.
 */
export async function settle<T>(call: () => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'unavailable', message } };
  }
}
