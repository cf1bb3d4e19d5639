/** Test only: a DataChannel whose streams wait `delayMs` before each record they write. */
import type { DataChannel, RecordStream } from '../../../../../electron/net/files/ports';

function slowStream(stream: RecordStream, delayMs: number): RecordStream {
  return {
    peerId: stream.peerId,
    closed: stream.closed,
    read: () => stream.read(),
    close: () => stream.close(),
    async write(record) {
      await new Promise((r) => setTimeout(r, delayMs));
      return stream.write(record);
    },
  };
}

export function slowChannel(delayMs: number): (channel: DataChannel) => DataChannel {
  return (channel) => ({
    open: async (peerId) => {
      const opened = await channel.open(peerId);
      return opened.ok ? { ok: true, stream: slowStream(opened.stream, delayMs) } : opened;
    },
    onIncoming: (handler) => channel.onIncoming((s) => handler(slowStream(s, delayMs))),
  });
}
