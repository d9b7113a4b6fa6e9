/** Where a queued item belongs: the organisation, then the key within it. */
export type FairQueueOwner = { org: string; key: string };

/** Items waiting their turn, taken in turn between organisations, then between their keys. */
export type FairQueue<T> = {
  /** Queues `item` behind the others of its key. */
  push(owner: FairQueueOwner, item: T): void;
  /**
   * The next item: of the organisations with items queued, the one served least recently (never
   * served first; among those, the one waiting longest), of its keys the one served least recently,
   * that key's oldest item.
   */
  shift(): T | undefined;
  /** Takes `item` out of the queue; false when it was not there. */
  remove(owner: FairQueueOwner, item: T): boolean;
  /** Items queued. */
  readonly size: number;
  /** Organisations with items queued. */
  readonly orgs: number;
  /** Drops every item. */
  clear(): void;
};

/**
 * Creates a queue that is fair between organisations and between the keys of each: while one
 * organisation's job runs and 200 more of its jobs wait, another organisation's job is the next.
 * Each organisation and key ever served costs one number (they are made by admins, so few).
 *
 * @example
 * const queue = createFairQueue<string>();
 * queue.push({ org: 'a', key: 'k1' }, 'a1');
 * queue.push({ org: 'a', key: 'k1' }, 'a2');
 * queue.push({ org: 'b', key: 'k2' }, 'b1');
 * [queue.shift(), queue.shift(), queue.shift()]; // ['a1', 'b1', 'a2']
 */
export function createFairQueue<T>(): FairQueue<T> {
  // Organisations with items queued, in the order they started waiting; per key, its items.
  const waiting = new Map<string, Map<string, T[]>>();
  // When each organisation and key was last served (a count of items taken). Kept once they stop
  // waiting: an organisation whose job is running and that queues another is not served afresh.
  const servedOrgAt = new Map<string, number>();
  const servedKeyAt = new Map<string, number>();
  const keyId = (org: string, key: string) => `${org}\n${key}`;
  let turn = 0;
  let size = 0;

  /** The first of `names` served least recently (or never). */
  const leastRecent = (names: Iterable<string>, servedAt: (name: string) => number | undefined) => {
    let best: string | undefined;
    let bestAt = Infinity;
    for (const name of names) {
      const at = servedAt(name) ?? -1;
      if (at < bestAt) [best, bestAt] = [name, at];
    }
    return best;
  };

  const drop = (org: string, key: string, keys: Map<string, T[]>, items: T[]) => {
    if (items.length === 0) keys.delete(key);
    if (keys.size === 0) waiting.delete(org);
  };

  return {
    push({ org, key }, item) {
      let keys = waiting.get(org);
      if (!keys) waiting.set(org, (keys = new Map()));
      let items = keys.get(key);
      if (!items) keys.set(key, (items = []));
      items.push(item);
      size++;
    },
    shift() {
      const org = leastRecent(waiting.keys(), (o) => servedOrgAt.get(o));
      if (org === undefined) return undefined;
      const keys = waiting.get(org)!;
      const key = leastRecent(keys.keys(), (k) => servedKeyAt.get(keyId(org, k)))!;
      const items = keys.get(key)!;
      const item = items.shift()!;
      size--;
      turn++;
      servedOrgAt.set(org, turn);
      servedKeyAt.set(keyId(org, key), turn);
      drop(org, key, keys, items);
      return item;
    },
    remove({ org, key }, item) {
      const keys = waiting.get(org);
      const items = keys?.get(key);
      const at = items?.indexOf(item) ?? -1;
      if (at < 0) return false;
      items!.splice(at, 1);
      size--;
      drop(org, key, keys!, items!);
      return true;
    },
    get size() {
      return size;
    },
    get orgs() {
      return waiting.size;
    },
    clear() {
      waiting.clear();
      size = 0;
    },
  };
}
