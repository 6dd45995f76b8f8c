/**
 * A network failure (fetch's "fetch failed" TypeError) or a timeout (an aborted request).
 * By name, not `instanceof`: fetch's errors may come from another realm (test runners).
 */
export function isUnreachable(error: unknown): boolean {
  // Libraries may wrap it (openid-client does, when the TypeError is not one of its realm).
  for (
    let current = error, depth = 0;
    current && depth < 4;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    const { name, message } = current as { name?: string; message?: string };
    if ((name === 'TypeError' && message === 'fetch failed') || name === 'TimeoutError' || name === 'AbortError')
      return true;
  }
  return false;
}

/** An error's message chain only: protocol errors may carry token claims in their other members. */
export function describe(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++)
    parts.push(current.message);
  return parts.join(' <- ') || String(error);
}
