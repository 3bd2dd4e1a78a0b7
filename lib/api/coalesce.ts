/**
 * Group commit for requests that can be done in bulk. Calls for one key that arrive
 * while a group of that key is being written wait and then go together as the next
 * group: one transaction, one statement per table, one commit. A lone call goes alone,
 * so at low load nothing waits. If a group fails (one bad item, or the balance covers
 * only some), each of its calls runs again alone and gets its own answer.
 */
export type Coalescer<Item, Result> = (key: string, item: Item) => Promise<Result>;

type Waiting<Item, Result> = {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
};

export function coalescer<Item, Result>(handlers: {
  /** One result per item, in order, all committed together, or a throw for none. */
  group: (items: Item[]) => Promise<Result[]>;
  alone: (item: Item) => Promise<Result>;
  maxGroup: number;
}): Coalescer<Item, Result> {
  const queues = new Map<string, Waiting<Item, Result>[]>();

  const settle = (waiting: Waiting<Item, Result>) =>
    handlers.alone(waiting.item).then(waiting.resolve, waiting.reject);

  async function drain(key: string, queue: Waiting<Item, Result>[]) {
    while (queue.length > 0) {
      const taken = queue.splice(0, handlers.maxGroup);
      if (taken.length === 1) {
        await settle(taken[0] as Waiting<Item, Result>);
        continue;
      }
      try {
        const results = await handlers.group(taken.map((waiting) => waiting.item));
        for (const [i, waiting] of taken.entries()) waiting.resolve(results[i] as Result);
      } catch {
        await Promise.all(taken.map(settle));
      }
    }
    queues.delete(key);
  }

  return (key, item) =>
    new Promise<Result>((resolve, reject) => {
      const queue = queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      const fresh = [{ item, resolve, reject }];
      queues.set(key, fresh);
      void drain(key, fresh);
    });
}
