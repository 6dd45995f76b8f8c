import { setTimeout as sleep } from 'node:timers/promises';
import { Pacer } from './soak-pacer.ts';
import type { Sent } from './soak-stats.ts';

/**
 * The soak's load generator: `connections` senders, each with at most one request in
 * flight, take their slots from one shared schedule (bench/soak-pacer.ts) and stop at the
 * planned end. Requests still in flight at that cut are awaited (each is bounded by
 * `timeoutMs`) and counted like the others, so every request sent is accounted for and
 * the audit events can be compared with the answers. Every outcome goes to `onSent`
 * with its send time, which places it in its minute (bench/soak-stats.ts).
 */
export interface PacedLoadOptions {
  url: string;
  rate: number;
  connections: number;
  durationSeconds: number;
  timeoutMs: number;
  /** A slow schedule drops the slots older than this instead of bursting them later. */
  maxBacklogMs: number;
  next(i: number): { headers: Record<string, string>; body: string };
  onSent(sent: Sent): void;
}

export interface PacedLoadResult {
  /** Slots of the schedule over the planned duration (rate × duration). */
  planned: number;
  sent: number;
  /** Slots dropped because every connection was busy. */
  missed: number;
  /** Requests still unanswered when the planned duration ended (then awaited). */
  inFlightAtCut: number;
  /** How long after the cut the last of them ended, s. */
  drainSeconds: number;
  /** The clock (performance.now()) at which the schedule started. */
  startMs: number;
}

export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const startMs = performance.now();
  const endMs = startMs + options.durationSeconds * 1000;
  const pacer = new Pacer({ rate: options.rate, startMs, endMs, maxBacklogMs: options.maxBacklogMs });
  let inFlight = 0;
  let inFlightAtCut = 0;
  const cut = setTimeout(() => (inFlightAtCut = inFlight), Math.max(0, endMs - performance.now()));

  const send = async (index: number): Promise<void> => {
    const { headers, body } = options.next(index);
    const at = performance.now();
    inFlight++;
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? 'timeout' : 'transport';
    } finally {
      inFlight--;
    }
    options.onSent({ at: (at - startMs) / 1000, ms: performance.now() - at, status, ...(error ? { error } : {}) });
  };

  const sender = async (): Promise<void> => {
    for (let slot = pacer.take(performance.now()); slot; slot = pacer.take(performance.now())) {
      const wait = slot.dueMs - performance.now();
      if (wait > 0) await sleep(wait);
      await send(slot.index);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, sender));
  } finally {
    clearTimeout(cut);
  }
  return {
    planned: pacer.planned,
    sent: pacer.taken,
    missed: pacer.missed,
    inFlightAtCut,
    drainSeconds: Math.max(0, (performance.now() - endMs) / 1000),
    startMs,
  };
}
