/**
 * Fixed windows: a window of `w` seconds starts at a multiple of `w` since the Unix
 * epoch (UTC), so every process computes the same window for the same instant (a day
 * window is a UTC day). Pure: the counter store (store.ts) is given the window, not
 * the clock.
 */
export interface FixedWindow {
  /** Start of the window (epoch ms). */
  start: number;
  /** End of the window, exclusive (epoch ms). */
  end: number;
  /** Whole seconds until the window ends, at least 1 (`t` of `RateLimit`, `Retry-After`). */
  resetSeconds: number;
}

export function fixedWindow(nowMs: number, windowSeconds: number): FixedWindow {
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1)
    throw new RangeError('windowSeconds must be a positive integer');
  const size = windowSeconds * 1000;
  const start = Math.floor(nowMs / size) * size;
  const end = start + size;
  return { start, end, resetSeconds: Math.max(1, Math.ceil((end - nowMs) / 1000)) };
}
