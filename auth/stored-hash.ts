import { createHash } from 'node:crypto';

/**
 * What the broker stores for a secret it hands out (consent-form token, pivot token,
 * dashboard session id): its SHA-256, base64url. A database leak then gives nothing
 * usable; the holder's copy is looked up by hashing it again.
 */
export function storedHash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
