/**
 * A per-process cache of documents by (container, partition key, id), each
 * exactly as this process last wrote it, with the ETag that write returned.
 * Its only promise: "this was the document at this ETag". It may be older
 * than the stored one (another instance wrote since), so it only ever
 * spares the read before a conditional write (IfMatch), which proves it
 * current or fails with 412. The rules that make that safe:
 *
 * 1. Only a successful write fills it (`remember`, with the document and the
 *    ETag the write returned), so a user's next click in this process reads
 *    nothing; a plain read never does, so data read for showing is not kept.
 * 2. A 412, a 404 or a delete drops the entry (`forget`); the retry reads fresh.
 * 3. Only the "write" outcome may rest on a cached copy: a decision that
 *    refuses, answers "stale"/"cancelled"/"not yours" or changes nothing must
 *    be made again on a fresh read before it is answered (the callers and
 *    `updateWithEtag` do this; `Cached.cached` says where a copy came from).
 * 4. Deletes, TTL and erasure, and every read for showing data to someone,
 *    read fresh and never ask the cache.
 * 5. Bounded: least recently used beyond `maxEntries`, and no entry older
 *    than `maxAgeMs` since its write is handed out – or kept longer than a
 *    quarter more: a sweep every `maxAgeMs / 4` lets expired copies go also
 *    in a process that has gone quiet (it runs only while the cache holds
 *    something). The documents hold
 *    health data: they stay in this process's memory and are never logged.
 *
 * Entries are deep-frozen: a caller that changed a cached document in place
 * would change what later clicks start from, so it fails loudly instead.
 *
 * Writes from cached copies of one document run one after another in this
 * process (`exclusive`), each starting from the copy the previous one left:
 * concurrent clicks on one meeting would otherwise all start from the same
 * copy, and all but one would pay a 412 and a read.
 */

/** At most this many documents per cache (a meeting or a draft is a few KB to tens of KB). */
export const DOCUMENT_CACHE_MAX_ENTRIES = 5_000;
/** A copy older than this is not used: a bound on how stale a first attempt can be. */
export const DOCUMENT_CACHE_MAX_AGE_MS = 5 * 60_000;
/**
 * How long a write waits for the one before it (`exclusive`) at most: the
 * order only spares 412s – the ETag keeps writes correct – so a write that
 * hangs must not hold up every later click on that document.
 */
export const DOCUMENT_CACHE_WRITE_WAIT_MS = 2_000;

/** A document with the ETag it was read or written at, and whether it came from the cache. */
export interface Cached<T> {
  value: T;
  etag: string;
  /** True when it came from the cache: only a conditional write may rest on it. */
  cached?: boolean;
}

interface Entry {
  value: unknown;
  etag: string;
  /** When it was remembered (ms): the age limit counts from the write. */
  at: number;
}

export interface DocumentCacheOptions {
  maxEntries?: number;
  maxAgeMs?: number;
  /** How long `exclusive` waits for the write before it, at most. */
  writeWaitMs?: number;
  /** The clock (ms); tests move it. */
  now?: () => number;
}

/** The documents this process wrote last, by container, partition key and id. */
export class DocumentCache {
  private readonly entries = new Map<string, Entry>();
  /** The last queued write per document (see `exclusive`); removed when it is the last. */
  private readonly writing = new Map<string, Promise<unknown>>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly writeWaitMs: number;
  private readonly now: () => number;
  /** The sweep of expired copies; set only while there are entries. */
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: DocumentCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DOCUMENT_CACHE_MAX_ENTRIES);
    this.maxAgeMs = options.maxAgeMs ?? DOCUMENT_CACHE_MAX_AGE_MS;
    this.writeWaitMs = options.writeWaitMs ?? DOCUMENT_CACHE_WRITE_WAIT_MS;
    this.now = options.now ?? Date.now;
  }

  /** The document as this process last wrote it, with that write's ETag; undefined when unknown or too old. */
  get<T>(container: string, partitionKey: string, id: string): Cached<T> | undefined {
    const key = keyOf(container, partitionKey, id);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.now() - entry.at > this.maxAgeMs) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.set(key, entry);
    return { value: entry.value as T, etag: entry.etag, cached: true };
  }

  /** Keeps what a successful write stored and the ETag it returned (frozen; the caller must not change it later). */
  remember<T>(container: string, partitionKey: string, id: string, value: T, etag: string | undefined): void {
    const key = keyOf(container, partitionKey, id);
    this.entries.delete(key);
    // A write whose answer carried no ETag proves nothing about a later one.
    if (!etag) return;
    const now = this.now();
    this.entries.set(key, { value: deepFreeze(value), etag, at: now });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    // Copies too old to be used are let go as writes come, not only when met, and by the sweep when none come.
    for (const [oldest, entry] of this.entries) {
      if (now - entry.at <= this.maxAgeMs) break;
      this.entries.delete(oldest);
    }
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(1, this.maxAgeMs / 4));
      this.sweeper.unref();
    }
  }

  /** Lets every copy past the age limit go (a read moves an entry to the end, so the map is not in age order); stops when empty. */
  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (now - entry.at > this.maxAgeMs) this.entries.delete(key);
    if (this.entries.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Drops the document (a 412, a 404, a delete): the next attempt reads fresh. */
  forget(container: string, partitionKey: string, id: string): void {
    this.entries.delete(keyOf(container, partitionKey, id));
  }

  /**
   * Runs `write` after every earlier `exclusive` write of this document in this
   * process has finished (whatever its outcome), so it can start from the copy
   * that write left in the cache instead of one it is about to outdate; after
   * `writeWaitMs` without an end it runs anyway.
   */
  async exclusive<R>(container: string, partitionKey: string, id: string, write: () => Promise<R>): Promise<R> {
    const key = keyOf(container, partitionKey, id);
    const before = this.writing.get(key);
    const run = before ? waitAtMost(before, this.writeWaitMs).then(write) : write();
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    this.writing.set(key, done);
    try {
      return await run;
    } finally {
      if (this.writing.get(key) === done) this.writing.delete(key);
    }
  }

  /** How many documents are held (for tests). */
  get size(): number {
    return this.entries.size;
  }
}

// JSON keeps the three parts apart whatever characters an id or key holds.
const keyOf = (container: string, partitionKey: string, id: string): string => JSON.stringify([container, partitionKey, id]);

/** Resolves when `p` settles or after `ms`, whichever comes first. */
function waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
