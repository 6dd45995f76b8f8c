import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite (a single PostgreSQL session) to many `pg` connections on a
 * loopback port, keeping each connection's work whole:
 *
 * - a client's messages are grouped up to the end of a request — `Sync` for the
 *   extended protocol, `Query` for the simple one — and a group runs as one unit,
 *   so two clients' Parse/Bind/Execute never interleave (they share one session:
 *   interleaved, one client's unnamed statement would replace the other's);
 * - a client whose group leaves the session inside a transaction block keeps the
 *   session until the block ends, so transactions never mix;
 * - a client that disconnects mid-transaction has its transaction rolled back.
 *
 * (`@electric-sql/pglite-socket` queues single messages, which lets extended-protocol
 * requests interleave under concurrency; this replaces its server with the same idea
 * at request granularity.)
 */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** Message types that end a client request. */
const REQUEST_END = new Set(['S', 'Q', 'H', 'c', 'f'].map((c) => c.charCodeAt(0)));
const TERMINATE = 'X'.charCodeAt(0);

export interface EmbeddedServer {
  port: number;
  close(): Promise<void>;
}

export async function serveEmbedded(
  db: PGlite,
  options: { host?: string; port?: number } = {},
): Promise<EmbeddedServer> {
  const session = new SessionLock();
  const sockets = new Set<Socket>();
  let nextId = 1;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const connection = new Connection(nextId++, db, session, socket);
    socket.on('data', (chunk) => connection.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      void connection.closed();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('embedded PostgreSQL: no TCP address');
  return {
    port: address.port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await session.idle();
    },
  };
}

/** Who holds the single PGlite session; others wait their turn in order. */
class SessionLock {
  private owner: number | null = null;
  private waiting: Array<{ id: number; grant(): void }> = [];

  async acquire(id: number): Promise<void> {
    if (this.owner === id) return;
    if (this.owner === null) {
      this.owner = id;
      return;
    }
    await new Promise<void>((grant) => this.waiting.push({ id, grant }));
  }

  holds(id: number): boolean {
    return this.owner === id;
  }

  release(id: number): void {
    if (this.owner !== id) return;
    const next = this.waiting.shift();
    this.owner = next ? next.id : null;
    next?.grant();
  }

  async idle(): Promise<void> {
    while (this.owner !== null) await new Promise((r) => setTimeout(r, 5));
  }
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private group: Buffer[] = [];
  private started = false;
  private work: Promise<void> = Promise.resolve();
  private alive = true;

  constructor(
    private readonly id: number,
    private readonly db: PGlite,
    private readonly session: SessionLock,
    private readonly socket: Socket,
  ) {}

  receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.started) {
        // Startup phase: length-prefixed messages without a type byte.
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.take(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) this.write(Buffer.from('N'));
        else if (code === CANCEL_REQUEST) this.socket.end();
        else {
          this.started = true;
          this.run([message]);
        }
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) return;
      const type = this.buffer[0]!;
      const message = this.take(length);
      if (type === TERMINATE) {
        this.socket.end();
        return;
      }
      this.group.push(message);
      if (REQUEST_END.has(type)) {
        const group = this.group;
        this.group = [];
        this.run(group);
      }
    }
  }

  /** The client is gone: end its transaction if it held one, and free the session. */
  async closed(): Promise<void> {
    this.alive = false;
    await this.work;
    if (!this.session.holds(this.id)) return;
    try {
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.session.release(this.id);
    }
  }

  private take(length: number): Buffer {
    const message = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return message;
  }

  private run(messages: Buffer[]): void {
    const request = messages.length === 1 ? messages[0]! : Buffer.concat(messages);
    this.work = this.work.then(async () => {
      if (!this.alive) return;
      await this.session.acquire(this.id);
      try {
        await this.db.runExclusive(() =>
          this.db.execProtocolRawStream(new Uint8Array(request), { onRawData: (data) => this.write(data) }),
        );
      } catch {
        this.socket.destroy();
      } finally {
        // Keep the session across a transaction block; hand it over otherwise.
        if (!this.db.isInTransaction()) this.session.release(this.id);
      }
    });
  }

  private write(data: Uint8Array): void {
    if (this.alive && this.socket.writable) this.socket.write(data);
  }
}
