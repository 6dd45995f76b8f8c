import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Pool } from '../lib/db/database.ts';
import type { ServerProcess } from './processes.ts';
import { metricValue, percentile, type ProcessSample } from './soak-stats.ts';

/**
 * What `npm run soak` records every interval (10 s): each server process's RSS and
 * event-loop lag from its own `/metrics` (prom-client's default metrics: the lag
 * histogram is reset at each scrape, so its p99 is the interval's), the connections
 * to the soak database (pg_stat_activity, the sampler's own excluded), and the
 * latencies and answers of the requests completed in the interval. It samples its own
 * process too (the load generator, which also issues the tokens): when the rate is not
 * held, a lagging generator says the client side is short of CPU, not only the servers.
 */
export interface IntervalSample {
  at: number;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  pgConnections: number | null;
}

export class SoakSampler {
  readonly processes = new Map<string, ProcessSample[]>();
  readonly intervals: IntervalSample[] = [];
  /** The load generator's own samples (this process). */
  readonly generator: ProcessSample[] = [];
  /** Latencies (ms) of the requests completed in the current interval. */
  private current: number[] = [];
  private started = performance.now();
  private last = this.started;
  private readonly lag = monitorEventLoopDelay({ resolution: 10 });

  constructor(
    private readonly servers: readonly ServerProcess[],
    private readonly pool: Pool,
  ) {}

  /** Starts the clock at `startMs` (performance.now() of the load's schedule). */
  start(startMs = performance.now()): void {
    this.started = startMs;
    this.last = startMs;
    this.lag.reset();
    this.lag.enable();
  }

  /** Seconds since start(). */
  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  stop(): void {
    this.lag.disable();
  }

  record(ms: number): void {
    this.current.push(ms);
  }

  async sample(): Promise<void> {
    const now = performance.now();
    const at = (now - this.started) / 1000;
    const latencies = this.current;
    this.current = [];
    this.generator.push({
      at,
      rssMb: process.memoryUsage.rss() / 2 ** 20,
      heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
      lagP99Ms: this.lag.percentile(99) / 1e6,
      lagMaxMs: this.lag.max / 1e6,
    });
    this.lag.reset();
    const seconds = (now - this.last) / 1000;
    this.last = now;
    const [pgConnections] = await Promise.all([
      this.pgConnections(),
      ...this.servers.map(async (server) => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        const prefix = server.role === 'gateway' ? 'passerelle_gateway_' : 'passerelle_subgraph_';
        const list = this.processes.get(server.role) ?? [];
        list.push({
          at,
          rssMb: metricValue(text, `${prefix}process_resident_memory_bytes`) / 2 ** 20,
          heapUsedMb: metricValue(text, `${prefix}nodejs_heap_size_used_bytes`) / 2 ** 20,
          lagP99Ms: metricValue(text, `${prefix}nodejs_eventloop_lag_p99_seconds`) * 1000,
          lagMaxMs: metricValue(text, `${prefix}nodejs_eventloop_lag_max_seconds`) * 1000,
        });
        this.processes.set(server.role, list);
      }),
    ]);
    this.intervals.push({
      at,
      requests: latencies.length,
      requestsPerSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      pgConnections,
    });
  }

  private async pgConnections(): Promise<number | null> {
    try {
      const { rows } = await this.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      return rows[0]!.n;
    } catch {
      return null; // an embedded PostgreSQL may not expose the view
    }
  }
}
