/**
 * The RateLimit header fields of draft-ietf-httpapi-ratelimit-headers (-08 and later),
 * as Structured Fields lists: `RateLimit-Policy: "per-second";q=10;w=1` advertises a
 * policy (quota `q` per window of `w` seconds), `RateLimit: "per-second";r=0;t=1` its
 * state (`r` left, `t` seconds until the window resets). A refusal adds `Retry-After`.
 */
export interface PolicyState {
  /** The policy's name, an sf-string: printable ASCII, no `"` or `\` (ours are fixed words). */
  name: string;
  quota: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

const SF_STRING = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

function item(name: string, params: Record<string, number>): string {
  if (!SF_STRING.test(name)) throw new Error(`invalid policy name ${JSON.stringify(name)}`);
  const rendered = Object.entries(params).map(([key, value]) => `;${key}=${Math.max(0, Math.trunc(value))}`);
  return `"${name}"${rendered.join('')}`;
}

/** Both fields for the policies a response is subject to (an empty object for none). */
export function rateLimitHeaders(policies: readonly PolicyState[]): Record<string, string> {
  if (!policies.length) return {};
  return {
    'ratelimit-policy': policies.map((p) => item(p.name, { q: p.quota, w: p.windowSeconds })).join(', '),
    ratelimit: policies.map((p) => item(p.name, { r: p.remaining, t: p.resetSeconds })).join(', '),
  };
}

/** The fields of a refusal by `policy`: its own state, and `Retry-After` when its window resets. */
export function refusalHeaders(policy: PolicyState): Record<string, string> {
  return { ...rateLimitHeaders([policy]), 'retry-after': String(policy.resetSeconds) };
}
