/** The parent side of host.ts: an IPMsg node in a network namespace, as a JsonLinesChild. */
import { fileURLToPath } from 'node:url';
import type { ChatMessage, MessageStateChange } from '../../../shared/domain';
import type { IpmsgOptions } from '../../../electron/net/ipmsg/options';
import type {
  IncomingOffer,
  IpmsgPeer,
  IpmsgStartResult,
  OutgoingOffer,
  TransferProgress,
} from '../../../electron/net/ipmsg/types';
import { REPO_ROOT } from '../cli-node';
import { JsonLinesChild, type JsonObject } from '../json-lines-child';

const HOST = fileURLToPath(new URL('./host.ts', import.meta.url));
const TIMEOUT_MS = 20_000;

export class IpmsgHost {
  private constructor(readonly child: JsonLinesChild) {}

  static async start(
    netns: string,
    options: IpmsgOptions,
  ): Promise<{ host: IpmsgHost; result: IpmsgStartResult }> {
    const args = [
      'netns',
      'exec',
      netns,
      process.execPath,
      '--import',
      'tsx',
      HOST,
      JSON.stringify(options),
    ];
    const child = new JsonLinesChild(`ipmsg@${netns}`, 'ip', args, { cwd: REPO_ROOT });
    const host = new IpmsgHost(child);
    await child.waitFor((l) => l['event'] === 'spawned', TIMEOUT_MS, 'the IPMsg host to start');
    const answer = await child.request({ cmd: 'start' }, TIMEOUT_MS);
    return { host, result: answer['result'] as IpmsgStartResult };
  }

  async send(to: string, text: string): Promise<ChatMessage> {
    return (await this.child.request({ cmd: 'send', to, text }, TIMEOUT_MS))[
      'message'
    ] as ChatMessage;
  }

  async offer(
    to: string,
    paths: readonly string[],
    text = '',
    force = false,
  ): Promise<OutgoingOffer> {
    return (await this.child.request({ cmd: 'offer', to, paths, text, force }, TIMEOUT_MS))[
      'offer'
    ] as OutgoingOffer;
  }

  async accept(
    offerId: string,
    fileId: number,
    dir: string,
    timeoutMs = 60_000,
  ): Promise<TransferProgress> {
    return (await this.child.request({ cmd: 'accept', offerId, fileId, dir }, timeoutMs))[
      'progress'
    ] as TransferProgress;
  }

  async peers(): Promise<IpmsgPeer[]> {
    return (await this.child.request({ cmd: 'peers' }, TIMEOUT_MS))['peers'] as IpmsgPeer[];
  }

  async packets(): Promise<JsonObject[]> {
    return (await this.child.request({ cmd: 'packets' }, TIMEOUT_MS))['packets'] as JsonObject[];
  }

  async close(): Promise<void> {
    await this.child.request({ cmd: 'close' }, TIMEOUT_MS);
  }

  peer(
    test: (peer: IpmsgPeer) => boolean,
    what: string,
    timeoutMs = TIMEOUT_MS,
  ): Promise<IpmsgPeer> {
    return this.event('peer', (l) => test(l['peer'] as IpmsgPeer), what, timeoutMs).then(
      (l) => l['peer'] as IpmsgPeer,
    );
  }

  message(
    test: (message: ChatMessage) => boolean,
    what: string,
    timeoutMs = TIMEOUT_MS,
  ): Promise<ChatMessage> {
    return this.event('message', (l) => test(l['message'] as ChatMessage), what, timeoutMs).then(
      (l) => l['message'] as ChatMessage,
    );
  }

  state(
    id: string,
    state: MessageStateChange['state'],
    timeoutMs = TIMEOUT_MS,
  ): Promise<MessageStateChange> {
    const test = (l: JsonObject): boolean => {
      const change = l['change'] as MessageStateChange;
      return change.id === id && change.state === state;
    };
    return this.event('message-state', test, `message ${id} to be ${state}`, timeoutMs).then(
      (l) => l['change'] as MessageStateChange,
    );
  }

  offerFrom(peerId: string, timeoutMs = TIMEOUT_MS): Promise<IncomingOffer> {
    return this.event(
      'file-offer',
      (l) => (l['offer'] as IncomingOffer).peerId === peerId,
      `a file offer from ${peerId}`,
      timeoutMs,
    ).then((l) => l['offer'] as IncomingOffer);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }

  private event(
    name: string,
    test: (line: JsonObject) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<JsonObject> {
    return this.child.waitFor((l) => l['event'] === name && test(l), timeoutMs, what);
  }
}
