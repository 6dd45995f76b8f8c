import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';

const SANDBOX_KEYS = new URL('../sandbox/keys/', import.meta.url);

/** The sandbox private key of a service provider (sandbox/keys/<clientId>.jwks.json). */
export function sandboxSpKey(clientId: string): JWK {
  const set = JSON.parse(readFileSync(new URL(`${clientId}.jwks.json`, SANDBOX_KEYS), 'utf8')) as { keys: JWK[] };
  return set.keys[0]!;
}
