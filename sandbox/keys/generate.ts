/**
 * Generates the sandbox's private key sets (committed: sandbox only, never real).
 * Run `npx tsx sandbox/keys/generate.ts <name> <alg[:use]>...` to (re)create one, e.g.
 *   npx tsx sandbox/keys/generate.ts gateway ES256:sig ECDH-ES:enc
 */
import { writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, calculateJwkThumbprint } from 'jose';

export async function generateJwks(specs: string[]): Promise<{ keys: Record<string, unknown>[] }> {
  const keys = [];
  for (const spec of specs) {
    const [alg = 'ES256', use = 'sig'] = spec.split(':');
    const { privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg.startsWith('RS') ? { modulusLength: 2048 } : {}),
    });
    const jwk = await exportJWK(privateKey);
    keys.push({ ...jwk, kid: (await calculateJwkThumbprint(jwk)).slice(0, 16), alg, use });
  }
  return { keys };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [name, ...specs] = process.argv.slice(2);
  if (!name || !specs.length) throw new Error('usage: generate.ts <name> <alg[:use]>...');
  const file = new URL(`./${name}.jwks.json`, import.meta.url);
  writeFileSync(file, JSON.stringify(await generateJwks(specs), null, 2) + '\n');
  console.log(`wrote ${file.pathname}`);
}
