/**
 * The schedule of the soak's load (bench/soak-load.ts), pure so it is unit-tested: slot
 * i is due at `startMs + i / rate`, one schedule shared by every connection, so a slow
 * connection does not hold the rate back. (autocannon's `amount` + `overallRate` gives
 * each connection its own share of both, so on a saturated machine the run stretched
 * until the slowest connection had sent its share: 120 s planned, 173 s taken.)
 *
 * Nothing is due at or after `endMs`: the run stops at its planned duration. When every
 * connection is busy and the schedule falls behind by more than `maxBacklogMs`, the
 * older slots are dropped (counted in `missed`) rather than sent in a burst once the
 * machine catches up: the achieved rate then shows the shortfall instead of hiding it.
 */
export interface PacerOptions {
  /** Requests per second. */
  rate: number;
  startMs: number;
  endMs: number;
  maxBacklogMs: number;
}

export interface Slot {
  /** Sequence number of the request (which citizen's token it carries). */
  index: number;
  /** When it is due, on the clock of `startMs`. */
  dueMs: number;
}

export class Pacer {
  /** Slots handed out. */
  taken = 0;
  /** Slots dropped because the senders were too far behind. */
  missed = 0;
  private next = 0;

  constructor(private readonly options: PacerOptions) {
    if (!(options.rate > 0)) throw new Error('the rate must be positive');
    if (!(options.endMs >= options.startMs)) throw new Error('the end must not precede the start');
  }

  /** Slots in the whole run: what the target rate means over the planned duration. */
  get planned(): number {
    const { rate, startMs, endMs } = this.options;
    return Math.ceil(((endMs - startMs) * rate) / 1000);
  }

  /** The next slot for a connection that is free at `nowMs`, or null when the run is over. */
  take(nowMs: number): Slot | null {
    const { rate, startMs, endMs, maxBacklogMs } = this.options;
    if (nowMs >= endMs) return null;
    const dueOf = (slot: number) => startMs + (slot * 1000) / rate;
    if (nowMs - dueOf(this.next) > maxBacklogMs) {
      const resume = Math.ceil(((nowMs - maxBacklogMs - startMs) * rate) / 1000);
      this.missed += resume - this.next;
      this.next = resume;
    }
    const dueMs = dueOf(this.next);
    if (dueMs >= endMs) return null;
    this.next++;
    return { index: this.taken++, dueMs };
  }
}
