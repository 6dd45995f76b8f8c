import autocannon from 'autocannon';

/**
 * One load run with autocannon at fixed concurrency against 127.0.0.1: every request
 * is built by `next(i)` (its headers and body), so each can carry another citizen's
 * token. Returns throughput and latency percentiles; any non-2xx answer or socket
 * error is counted and reported (a run with failures is not a valid figure).
 */
export interface LoadResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU milliseconds per completed request, by server process (when measured). */
  cpuPerRequest?: Record<string, number>;
}

export interface LoadOptions {
  name: string;
  url: string;
  connections: number;
  durationSeconds: number;
  next(i: number): { headers: Record<string, string>; body: string };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let counter = 0;
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { headers, body } = options.next(counter++);
          return { ...request, headers: { 'content-type': 'application/json', ...headers }, body };
        },
      },
    ],
  });
  return {
    name: options.name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
