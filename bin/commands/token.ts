import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { importJWK, SignJWT, type JWK } from 'jose';
import { loadConfig } from '../../lib/config/load.ts';
import { loadContract } from '../../lib/federation/contract.ts';
import { PROVIDER_TOKEN_TYPE } from '../../lib/subgraph/token-verifier.ts';
import { dataProviderEntry, providerAudience, tokenVerifierOptions } from '../../lib/subgraph/start.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';

/**
 * `passerelle token <login> --provider <name> [--scope "a b"] [--acr eidas2] [--sub ID] [--ttl S]`
 * DEVELOPMENT ONLY: mints the internal token the gateway would send to one data
 * provider for a sandbox citizen, signed with the sandbox gateway key, and prints it.
 * Refuses any configuration that is not a sandbox one. By default every scope of the
 * provider's catalog is granted.
 * `passerelle token --public-jwks` prints the sandbox gateway's public keys (what the
 * gateway publishes at /.well-known/jwks.json), to try the subgraphs without a gateway.
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      provider: { type: 'string' },
      scope: { type: 'string' },
      acr: { type: 'string', default: 'eidas2' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '120' },
      'public-jwks': { type: 'boolean', default: false },
    },
  });
  const config = loadConfig();
  if (!config.sandbox) {
    console.error('passerelle token is a development helper: it only runs with a sandbox configuration ("sandbox": true)');
    return 2;
  }
  const { keys } = config.secretJson<{ keys: JWK[] }>(config.gateway.keys, 'gateway.keys');
  const signingKeys = keys.filter((k) => k.alg === 'ES256' && (k.use ?? 'sig') === 'sig');
  if (values['public-jwks']) {
    // The public members only: never `d`.
    console.log(JSON.stringify({ keys: signingKeys.map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use })) }));
    return 0;
  }
  const login = positionals[0];
  const usage = `usage: passerelle token <login> --provider <name> [--scope "a b"] [--acr eidas1|eidas2|eidas3] [--sub ID] [--ttl seconds]\n       passerelle token --public-jwks\nlogins: ${Object.keys(SANDBOX_IDENTITIES).join(', ')}`;
  if (!login || !values.provider) {
    console.error(usage);
    return 2;
  }
  const pivot = SANDBOX_IDENTITIES[login];
  if (!pivot) {
    console.error(`unknown sandbox login "${login}"\n${usage}`);
    return 2;
  }
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 120) {
    console.error('--ttl must be 1 to 120 seconds (providers refuse longer-lived tokens)');
    return 2;
  }
  const entry = dataProviderEntry(config, values.provider);
  const catalog = loadContract(config).providers.find((p) => p.name === entry.name)?.catalog;
  const scope = values.scope ?? Object.keys(catalog?.scopes ?? {}).join(' ');

  const jwk = signingKeys[0];
  if (!jwk?.kid) throw new Error('gateway.keys has no ES256 signing key with a kid');
  const { issuer } = tokenVerifierOptions(config, entry);
  const token = await new SignJWT({ pivot, scope, acr: values.acr, client_id: 'passerelle-dev-token', rid: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: PROVIDER_TOKEN_TYPE })
    .setIssuer(issuer)
    .setAudience(providerAudience(entry))
    .setSubject(values.sub ?? `dev-${login}`)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(await importJWK(jwk, 'ES256'));
  console.log(token);
  return 0;
}
