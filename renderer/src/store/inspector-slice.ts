import type { PacketLogEntry } from '../../../shared/domain';
import { PACKET_LOG_SIZE } from '../../../shared/protocol/constants';
import { failed, IDLE, LOADING, READY, settle } from './load';
import type { InspectorSlice, SliceCreator } from './state';

/** Log entries by `seq`, each once, oldest first (a snapshot and live batches overlap). */
function mergeBySeq(...lists: (readonly PacketLogEntry[])[]): PacketLogEntry[] {
  const bySeq = new Map<number, PacketLogEntry>();
  for (const list of lists) for (const entry of list) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function keepLast<T>(items: readonly T[], max: number): readonly T[] {
  return items.length > max ? items.slice(items.length - max) : items;
}

export const createInspectorSlice: SliceCreator<InspectorSlice> = (api) => (set, get) => ({
  packets: [],
  held: [],
  packetsLoad: IDLE,
  lastSeq: -1,
  paused: false,
  packetFilter: { peerId: '', kind: '', group: '', transport: '' },
  selectedSeq: null,
  sockets: null,
  socketsLoad: IDLE,
  counters: null,
  loadPackets: async () => {
    set({ packetsLoad: LOADING });
    const result = await settle(() => api.inspectorPackets({ limit: PACKET_LOG_SIZE }));
    if (!result.ok) {
      set({ packetsLoad: failed(result.error.message) });
      return;
    }
    set((state) => {
      const packets = mergeBySeq(result.value, state.packets);
      const lastSeq = Math.max(state.lastSeq, packets.at(-1)?.seq ?? -1);
      return { packets: keepLast(packets, PACKET_LOG_SIZE), lastSeq, packetsLoad: READY };
    });
  },
  receivePackets: (batch) => {
    // Events queued before the renderer was ready repeat entries the snapshot already had.
    const fresh = batch.filter((p) => p.seq > get().lastSeq);
    const last = fresh.at(-1);
    if (last === undefined) return;
    const list = get().paused ? 'held' : 'packets';
    set((state) => ({
      [list]: keepLast([...state[list], ...fresh], PACKET_LOG_SIZE),
      lastSeq: last.seq,
    }));
  },
  setPaused: (paused) =>
    set((state) =>
      paused
        ? { paused }
        : {
            paused,
            held: [],
            packets: keepLast([...state.packets, ...state.held], PACKET_LOG_SIZE),
          },
    ),
  setPacketFilter: (patch) =>
    set((state) => ({ packetFilter: { ...state.packetFilter, ...patch } })),
  selectPacket: (selectedSeq) => set({ selectedSeq }),
  clearPackets: () => set({ packets: [], held: [], selectedSeq: null }),
  loadSockets: async () => {
    set((state) => ({ socketsLoad: state.sockets ? READY : LOADING }));
    const result = await settle(() => api.inspectorSockets());
    if (result.ok)
      set({ sockets: result.value, counters: result.value.counters, socketsLoad: READY });
    else set({ socketsLoad: failed(result.error.message) });
  },
  setCounters: (counters) => set({ counters }),
});
