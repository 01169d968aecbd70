/** An in-engine mutex: tasks run one at a time in call order (serialises the façade's writes). */
export interface Mutex {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** A mutex as a promise chain; a failing task does not break the chain. */
export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task);
      // Settles with nothing: the chain must not keep the last task's result (a whole table) alive.
      tail = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
  };
}
