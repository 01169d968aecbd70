/**
 * Loads by key, coalesced per group: the first key of an idle group is loaded at once; keys that
 * arrive while that load runs wait and go together in the next one. On one database session that
 * is busy anyway (PGlite), sixteen concurrent reads by id cost one statement instead of sixteen.
 */
export function createCoalescer<K, V>(
  loadMany: (group: string, keys: readonly K[]) => Promise<ReadonlyMap<K, V>>,
): (group: string, key: K) => Promise<V | undefined> {
  interface Waiter {
    readonly key: K;
    resolve(value: V | undefined): void;
    reject(error: unknown): void;
  }
  // A group is present while it has a load running; it is dropped once drained, so groups do not pile up.
  const queues = new Map<string, Waiter[]>();

  const drain = async (group: string, queue: Waiter[]): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.splice(0);
      try {
        const found = await loadMany(group, [...new Set(batch.map((w) => w.key))]);
        for (const w of batch) w.resolve(found.get(w.key));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    queues.delete(group);
  };

  return (group, key) =>
    new Promise<V | undefined>((resolve, reject) => {
      const running = queues.get(group);
      if (running !== undefined) {
        running.push({ key, resolve, reject });
        return;
      }
      const queue: Waiter[] = [{ key, resolve, reject }];
      queues.set(group, queue);
      void drain(group, queue);
    });
}
