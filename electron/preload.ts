// Runs sandboxed (CommonJS, only a few Electron modules): expose one function per IPC channel.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_GET_SELF, type PacketChatApi } from '../shared/ipc';

const api: PacketChatApi = {
  getSelf: () => ipcRenderer.invoke(IPC_GET_SELF),
};

contextBridge.exposeInMainWorld('packetChat', api);
