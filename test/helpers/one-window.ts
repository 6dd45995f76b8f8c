/**
 * Runs `burst` inside one whole second of the clock (a fixed 1 s quota window): starts it
 * just after a second begins, and runs it again in a later second when it did not end
 * within the one it started in. What `burst` returns is judged by the caller afterwards,
 * so a burst cut by a window boundary is never judged.
 */
export async function inOneSecond<T>(burst: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    // The clock decides where windows start: this waits for one, it does not wait for a state.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    const started = Math.floor(Date.now() / 1000);
    const result = await burst();
    if (Math.floor(Date.now() / 1000) === started) return result;
    if (attempt >= attempts) throw new Error(`the burst did not fit in one second in ${attempts} attempts`);
  }
}
