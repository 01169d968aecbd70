/**
 * Loads by key, coalesced per group: an idle group loads its first key at once; keys that arrive
 * while `inFlight` loads of the group run wait and go together in the next one. On one database
 * session that is busy anyway (PGlite), sixteen concurrent reads by id cost one statement instead
 * of sixteen; over a pool, a few loads in flight keep its connections busy.
 */
export function createCoalescer<K, V>(
  loadMany: (group: string, keys: readonly K[]) => Promise<ReadonlyMap<K, V>>,
  inFlight: number,
): (group: string, key: K) => Promise<V | undefined> {
  interface Waiter {
    readonly key: K;
    resolve(value: V | undefined): void;
    reject(error: unknown): void;
  }
  interface Group {
    readonly waiting: Waiter[];
    running: number;
  }
  // A group is present while a load of it runs; it is dropped once drained, so groups do not pile up.
  const groups = new Map<string, Group>();

  const drain = async (name: string, group: Group): Promise<void> => {
    while (group.waiting.length > 0) {
      const batch = group.waiting.splice(0);
      try {
        const found = await loadMany(name, [...new Set(batch.map((w) => w.key))]);
        for (const w of batch) w.resolve(found.get(w.key));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    group.running -= 1;
    if (group.running === 0) groups.delete(name);
  };

  return (name, key) =>
    new Promise<V | undefined>((resolve, reject) => {
      let group = groups.get(name);
      if (group === undefined) {
        group = { waiting: [], running: 0 };
        groups.set(name, group);
      }
      group.waiting.push({ key, resolve, reject });
      if (group.running < inFlight) {
        group.running += 1;
        void drain(name, group);
      }
    });
}
