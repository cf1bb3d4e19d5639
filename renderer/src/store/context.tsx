import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { PacketChatApi } from '../../../shared/ipc/contract';
import type { AppStore } from './create-app-store';
import type { AppState } from './state';

interface Services {
  readonly store: AppStore;
  readonly api: PacketChatApi;
}

const ServicesContext = createContext<Services | null>(null);

export function StoreProvider(props: { store: AppStore; api: PacketChatApi; children: ReactNode }) {
  return (
    <ServicesContext.Provider value={{ store: props.store, api: props.api }}>
      {props.children}
    </ServicesContext.Provider>
  );
}

function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('StoreProvider is missing');
  return services;
}

/** Selects one piece of the store; the component re-renders only when that piece changes. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useServices().store, selector);
}

export function useApi(): PacketChatApi {
  return useServices().api;
}

/** The store itself, for event handlers that read the state when they run (no re-render). */
export function useAppStoreApi(): AppStore {
  return useServices().store;
}
