import { randomBytes } from 'node:crypto';

/**
 * Server-side state of a sandbox service provider, in memory: the browser only holds a
 * random id in a signed cookie. Entries expire, and the store is bounded (the
 * oldest entries go first), so no client can make it grow without limit. One
 * process only — a sandbox service; a city running several would put this in
 * its database.
 */
export class ExpiringStore<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** Stores `value` under a new random id and returns the id. */
  add(value: T): string {
    const id = randomBytes(32).toString('base64url');
    this.sweep();
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, { value, expiresAt: Date.now() + this.ttlMs });
    return id;
  }

  get(id: string | undefined): T | undefined {
    if (!id) return undefined;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.value;
  }

  /** Reads and forgets (single use). */
  take(id: string | undefined): T | undefined {
    const value = this.get(id);
    if (id) this.entries.delete(id);
    return value;
  }

  delete(id: string | undefined): void {
    if (id) this.entries.delete(id);
  }

  /** Forgets every entry `match` selects; returns how many. */
  deleteWhere(match: (value: T) => boolean): number {
    let count = 0;
    for (const [id, entry] of this.entries) {
      if (match(entry.value)) {
        this.entries.delete(id);
        count++;
      }
    }
    return count;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
  }
}
