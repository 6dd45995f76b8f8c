import { Gauge, type Registry } from 'prom-client';
import type { Pool } from './database.ts';

/**
 * Saturation gauges of a component's connection pools (pg.Pool, with a PostgreSQL server
 * or the embedded one alike: both are reached over a socket), read at scrape time:
 * connections open, idle, the pool's maximum, and queries waiting for a connection.
 * Waiting requests that stay above zero mean the pool is too small for the load (or the
 * database too slow): each waits `connectionTimeoutMillis` or forever.
 * Named `<prefix>db_pool_*`, labelled by the pool's name (`audit`, `quota`, …).
 */
export class PoolGauges {
  private readonly pools = new Map<string, Pool>();

  constructor(registry: Registry, prefix: string) {
    const pools = this.pools;
    const gauge = (name: string, help: string, read: (pool: Pool) => number) =>
      new Gauge({
        name: `${prefix}db_pool_${name}`,
        help,
        labelNames: ['pool'] as const,
        registers: [registry],
        // prom-client calls `collect` with the gauge as `this`.
        collect(this: Gauge<'pool'>) {
          for (const [pool, watched] of pools) this.set({ pool }, read(watched));
        },
      });
    gauge('connections', 'Connections open in the pool (busy and idle).', (p) => p.totalCount);
    gauge('idle_connections', 'Connections open and idle in the pool.', (p) => p.idleCount);
    gauge('waiting_requests', 'Queries waiting for a connection of the pool.', (p) => p.waitingCount);
    gauge('max_connections', 'The most connections the pool opens.', (p) => p.options.max ?? 10);
  }

  /** Reports `pool` under `name` from now on. */
  watch(name: string, pool: Pool): void {
    this.pools.set(name, pool);
  }
}
