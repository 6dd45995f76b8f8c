/** A network failure (fetch's "fetch failed" TypeError) or a timeout (an aborted request). */
export function isUnreachable(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return (error instanceof TypeError && error.message === 'fetch failed') || name === 'TimeoutError' || name === 'AbortError';
}

/** An error's message chain only: protocol errors may carry token claims in their other members. */
export function describe(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) parts.push(current.message);
  return parts.join(' <- ') || String(error);
}
