import type { PacketChatApi } from '../../shared/ipc/contract';

declare global {
  interface Window {
    /** Exposed by electron/preload.ts; absent when the page is opened outside the app. */
    readonly packetChat?: PacketChatApi;
  }
}
