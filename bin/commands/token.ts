import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { loadGatewayKeys } from '../../gateway/keys.ts';
import { ProviderTokenMinter } from '../../gateway/provider-token.ts';
import { isSiren, isSiret, luhnCheckDigit } from '../../lib/contracts/company-identifiers.ts';
import { isAcrLevel } from '../../lib/contracts/eidas.ts';
import { PROVIDER_TOKEN_MAX_LIFETIME_SECONDS } from '../../lib/contracts/provider-token.ts';
import { loadPlatformConfig } from '../config.ts';
import { loadContract } from '../../lib/federation/contract.ts';
import { dataProviderEntry } from '../../lib/subgraph/start.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';

/**
 * `passerelle token <login> --provider <name> [--scope "a b"] [--acr eidas2] [--sub ID] [--ttl S] [--company SIREN [--siret SIRET]]`
 * DEVELOPMENT ONLY: mints the internal token the gateway would send to one data
 * provider for a sandbox citizen — with the gateway's own minter and sandbox key — and prints it.
 * Refuses any configuration that is not a sandbox one. By default every scope of the
 * provider's catalog is granted. `--company`: acting for that company (docs/companies.md),
 * as a legal representative, at its head office unless `--siret` names another establishment.
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
      company: { type: 'string' },
      siret: { type: 'string' },
    },
  });
  const config = loadPlatformConfig();
  if (!config.sandbox) {
    console.error(
      'passerelle token is a development helper: it only runs with a sandbox configuration ("sandbox": true)',
    );
    return 2;
  }
  const { keys } = config.secretJson<{ keys: JWK[] }>(config.gateway.keys, 'gateway.keys');
  const signingKeys = keys.filter((k) => k.alg === 'ES256' && (k.use ?? 'sig') === 'sig');
  if (values['public-jwks']) {
    // The public members only: never `d`.
    console.log(
      JSON.stringify({
        keys: signingKeys.map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use })),
      }),
    );
    return 0;
  }
  const login = positionals[0];
  const usage = `usage: passerelle token <login> --provider <name> [--scope "a b"] [--acr eidas1|eidas2|eidas3] [--sub ID] [--ttl seconds] [--company SIREN [--siret SIRET]]\n       passerelle token --public-jwks\nlogins: ${Object.keys(SANDBOX_IDENTITIES).join(', ')}`;
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
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > PROVIDER_TOKEN_MAX_LIFETIME_SECONDS) {
    console.error(
      `--ttl must be 1 to ${PROVIDER_TOKEN_MAX_LIFETIME_SECONDS} seconds (providers refuse longer-lived tokens)`,
    );
    return 2;
  }
  if (!isAcrLevel(values.acr)) {
    console.error(`--acr must be eidas1, eidas2 or eidas3\n${usage}`);
    return 2;
  }
  if (values.company !== undefined && !isSiren(values.company)) {
    console.error(`--company must be a valid SIREN (9 digits, check digit)\n${usage}`);
    return 2;
  }
  // The head office of a sandbox or synthetic company is its first establishment (NIC 0001 and its check digit).
  const siret =
    values.siret ?? (values.company ? `${values.company}0001${luhnCheckDigit(`${values.company}0001`)}` : undefined);
  if (values.company && (!siret || !isSiret(siret) || !siret.startsWith(values.company))) {
    console.error(`--siret must be a valid SIRET of the --company SIREN\n${usage}`);
    return 2;
  }
  const entry = dataProviderEntry(config, values.provider);
  const catalog = loadContract(config).providers.find((p) => p.name === entry.name)?.catalog;
  const scope = values.scope ?? Object.keys(catalog?.scopes ?? {}).join(' ');

  const { signing } = loadGatewayKeys(config);
  const minter = new ProviderTokenMinter({
    issuer: config.gateway.issuer,
    kid: signing.kid,
    key: signing.key,
    ttlSeconds: ttl,
  });
  const token = await minter.mint({
    audience: entry.audience,
    sub: values.sub ?? `dev-${login}`,
    pivot,
    scopes: scope.split(' ').filter(Boolean),
    acr: values.acr,
    // As the gateway does: the service provider only for a provider whose catalog needs it.
    ...(catalog?.provider.serviceProviderIdentity ? { clientId: 'passerelle-dev-token' } : {}),
    requestId: randomUUID(),
    ...(values.company && siret ? { company: { siren: values.company, siret, role: 'legal_representative' } } : {}),
  });
  console.log(token);
  return 0;
}
