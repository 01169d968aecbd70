import type { Log } from './ports.js';
import type { SyncEvent } from './engine-types.js';

/** Subscribers of engine events. */
export interface Events {
  subscribe(listener: (event: SyncEvent) => void): () => void;
  emit(event: SyncEvent): void;
  /** True when someone listens, so work done only to build an event can be skipped. */
  listening(): boolean;
}

/** Fan-out to listeners; a throwing listener is logged and never breaks the engine. */
export function createEvents(log: Log): Events {
  const listeners = new Set<(event: SyncEvent) => void>();
  return {
    listening: () => listeners.size > 0,
    subscribe(listener) {
      const own = (event: SyncEvent): void => listener(event);
      listeners.add(own);
      return () => void listeners.delete(own);
    },
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          log.error('event listener threw', { kind: event.kind, error: String(error) });
        }
      }
    },
  };
}
