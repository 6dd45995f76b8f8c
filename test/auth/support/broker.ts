import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { Config } from '../../../lib/config/load.ts';
import { loadPlatformConfig, type PlatformConfig } from '../../../bin/config.ts';
import { createLogger } from '../../../lib/log.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { startBroker, type RunningBroker } from '../../../auth/broker.ts';
import { sandboxSpKey } from '../../../harness/sandbox-keys.ts';

export interface TestBroker {
  broker: RunningBroker;
  config: Config;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Configuration for tests: the sandbox one with overrides (`key.path`, value). */
export function testConfig(overrides: Array<[string, unknown]> = []): PlatformConfig {
  return loadPlatformConfig({ env: {}, overrides: [['logLevel', 'silent'], ...overrides] });
}

/**
 * Overrides that make the sandbox SP `simulateur-caf` authenticate with a shared secret
 * (client_secret_post), for the tests of that method: it signs citizens in, and may not ask
 * for data (FAPI 2.0, auth/authorization-details/fapi-profile.ts).
 */
export const CAF_WITH_CLIENT_SECRET: Array<[string, unknown]> = [
  ['serviceProviders.simulateur-caf.metadata.token_endpoint_auth_method', 'client_secret_post'],
  ['serviceProviders.simulateur-caf.clientSecret', 'sandbox-simulateur-caf-secret-not-for-production'],
];

/** Starts a broker on a port of its own, on a database of the test's own (or a shared one). */
export async function startTestBroker(options: {
  config?: Config;
  database?: TestDatabase;
  port?: number;
}): Promise<TestBroker> {
  const config = options.config ?? testConfig();
  const database = options.database ?? (await createTestDatabase());
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const broker = await startBroker({ config, database, logger }, { port: options.port ?? 0 });
  return {
    broker,
    config,
    database,
    async close() {
      await broker.close();
      if (!options.database) await database.drop();
    },
  };
}

/** A client assertion (private_key_jwt) with claims and header one may tamper with. */
export async function clientAssertion(options: {
  clientId: string;
  audience: string;
  key?: JWK;
  alg?: string;
  claims?: Record<string, unknown>;
  expiresIn?: number;
}): Promise<string> {
  const jwk = options.key ?? sandboxSpKey(options.clientId);
  const alg = options.alg ?? (jwk.alg as string);
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: options.clientId,
    sub: options.clientId,
    aud: options.audience,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + (options.expiresIn ?? 60),
    ...options.claims,
  };
  if (alg === 'none') {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
  }
  return new SignJWT(payload).setProtectedHeader({ alg, kid: jwk.kid as string }).sign(await importJWK(jwk, alg));
}

/** openid-client as the sandbox SP `clientId` would use it against the broker. */
export async function spClient(issuer: string, clientId: string, config: Config): Promise<oidc.Configuration> {
  const sp = config.serviceProviders.find((s) => s.clientId === clientId)!;
  const auth =
    sp.metadata.token_endpoint_auth_method === 'client_secret_post'
      ? oidc.ClientSecretPost(config.secret(sp.clientSecret!, 'test'))
      : oidc.PrivateKeyJwt(
          (await importJWK(sandboxSpKey(clientId), sandboxSpKey(clientId).alg as string)) as CryptoKey,
        );
  const metadata = sp.metadata.id_token_signed_response_alg
    ? { id_token_signed_response_alg: String(sp.metadata.id_token_signed_response_alg) }
    : {};
  return oidc.discovery(new URL(issuer), clientId, metadata, auth, { execute: [oidc.allowInsecureRequests] });
}

/**
 * A front-channel authorization request for the sandbox SP `parking-nimes` (code flow,
 * PKCE S256, state and nonce), with any parameter replaced or removed (undefined), sent
 * without following the redirect: the broker's answer itself.
 */
export async function authorizationRequest(
  issuer: string,
  params: Record<string, string | undefined> = {},
): Promise<Response> {
  return fetch(await authorizationRequestUrl(issuer, params), { redirect: 'manual' });
}

/** The URL of that request, for a test that follows it with a browser-like agent. */
export async function authorizationRequestUrl(
  issuer: string,
  params: Record<string, string | undefined> = {},
): Promise<URL> {
  const url = new URL('/authorize', issuer);
  const defaults: Record<string, string> = {
    client_id: 'parking-nimes',
    redirect_uri: 'http://localhost:3000/callback',
    response_type: 'code',
    scope: 'openid given_name',
    state: 's'.repeat(32),
    nonce: 'n'.repeat(32),
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries({ ...defaults, ...params }))
    if (value !== undefined) url.searchParams.set(name, value);
  return url;
}
