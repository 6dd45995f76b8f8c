import * as oidc from 'openid-client';
import type { RunningComponent } from '../../../lib/component.ts';
import type { Config } from '../../../lib/config/load.ts';
import { createLogger } from '../../../lib/log.ts';
import { SANDBOX_IDP_NAMES, sandboxIdentityProvider } from '../../../sandbox/idps/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { Agent, formAction } from '../../../lib/http/agent.ts';
import { freePort } from '../../../harness/ports.ts';
import { spClient, startTestBroker, testConfig, type TestBroker } from './broker.ts';

/**
 * The broker with the four real sandbox identity providers, on ports chosen
 * up front (each must know the others' URLs), on a test database.
 */
export interface TestPlatform {
  config: Config;
  /** The configuration overrides the platform was started with (key path, value). */
  overrides: Array<[string, unknown]>;
  database: TestDatabase;
  brokers: TestBroker[];
  issuer: string;
  close(): Promise<void>;
}

export async function startPlatform(options: { overrides?: Array<[string, unknown]> } = {}): Promise<TestPlatform> {
  const brokerPort = await freePort();
  const overrides: Array<[string, unknown]> = [['broker.url', `http://localhost:${brokerPort}`]];
  const idpPorts: Record<string, number> = {};
  for (const name of SANDBOX_IDP_NAMES) {
    idpPorts[name] = await freePort();
    overrides.push([`identityProviders.${name}.issuer`, `http://localhost:${idpPorts[name]}`]);
  }
  const config = testConfig([...overrides, ...(options.overrides ?? [])]);
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const database = await createTestDatabase();
  const idps: RunningComponent[] = [];
  const brokers: TestBroker[] = [];
  try {
    for (const name of SANDBOX_IDP_NAMES) {
      idps.push(await sandboxIdentityProvider(name)({ config, database, logger }, { port: idpPorts[name]! }));
    }
    brokers.push(await startTestBroker({ config, database, port: brokerPort }));
  } catch (error) {
    await Promise.all([...brokers, ...idps].map((c) => c.close()));
    await database.drop();
    throw error;
  }
  return {
    config,
    overrides: [...overrides, ...(options.overrides ?? [])],
    database,
    brokers,
    issuer: brokers[0]!.broker.issuer,
    async close() {
      await Promise.all([...brokers, ...idps].map((c) => c.close()));
      await database.drop();
    },
  };
}

export interface SignInOptions {
  clientId?: string;
  login: string;
  idp: string;
  /** acr_values sent by the SP. */
  acr?: string;
  scope?: string;
  extra?: Record<string, string>;
  agent?: Agent;
  /** The IdP's lower-acr knob (sandbox). */
  lowerAcrTo?: string;
  /** Send some broker requests to another broker process (same issuer). */
  rewrite?: (url: URL) => URL;
}

export interface SignInResult {
  agent: Agent;
  /** Where the browser ended: the SP's redirect URI, or a page. */
  landed: URL;
  response: Response;
  checks: { pkceCodeVerifier: string; expectedState: string; expectedNonce: string };
  client: oidc.Configuration;
}

/** An SP with openid-client sends the citizen through the broker, who picks `idp` and logs in there. */
export async function signIn(platform: TestPlatform, options: SignInOptions): Promise<SignInResult> {
  const clientId = options.clientId ?? 'parking-nimes';
  const sp = platform.config.serviceProviders.find((s) => s.clientId === clientId)!;
  const redirectUri = sp.metadata.redirect_uris[0]!;
  const spOrigin = new URL(redirectUri).origin;
  const client = await spClient(platform.issuer, clientId, platform.config);
  const checks = {
    pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
    expectedState: oidc.randomState(),
    expectedNonce: oidc.randomNonce(),
  };
  const params: Record<string, string> = {
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid identite_pivot',
    code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
    ...(options.acr ? { acr_values: options.acr } : {}),
    ...options.extra,
  };
  const start = sp.requirePar
    ? await oidc.buildAuthorizationUrlWithPAR(client, params)
    : oidc.buildAuthorizationUrl(client, params);
  const agent = options.agent ?? new Agent();
  const stopAt = (url: URL) => url.origin === spOrigin;
  const go = (url: URL | string, init?: RequestInit & { form?: Record<string, string> }) =>
    agent.follow(url, { stopAt, ...(options.rewrite ? { rewrite: options.rewrite } : {}), ...(init ? { init } : {}) });

  let { response, url } = await go(start);
  // The broker's chooser (unless idp_hint or single sign-on skipped it).
  if (response.status === 200 && url.origin === platform.issuer && url.pathname.startsWith('/interaction/')) {
    await response.text();
    ({ response, url } = await go(new URL(`${url.pathname}/idp`, platform.issuer), { form: { idp: options.idp } }));
  }
  // The IdP's login form.
  if (response.status === 200 && url.origin !== platform.issuer && !stopAt(url)) {
    const action = formAction(await response.text());
    if (!action) throw new Error(`no login form at ${url.href}`);
    ({ response, url } = await go(new URL(action, url), {
      form: {
        login: options.login,
        password: '123',
        ...(options.lowerAcrTo ? { sandbox_acr: options.lowerAcrTo } : {}),
      },
    }));
  }
  // The broker's "identity verified" page moves on by itself (meta refresh).
  if (response.status === 200 && url.pathname.startsWith('/idp/')) {
    const next = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(await response.text())?.[1];
    if (next) ({ response, url } = await go(new URL(next.replaceAll('&amp;', '&'), url)));
  }
  return { agent, landed: url, response, checks, client };
}

/** The SP's side of the way back: code for tokens, ID token claims, userinfo. */
export async function redeem(result: SignInResult) {
  const tokens = await oidc.authorizationCodeGrant(result.client, result.landed, result.checks);
  const claims = tokens.claims()!;
  const userinfo = await oidc.fetchUserInfo(result.client, tokens.access_token, claims.sub);
  return { tokens, claims, userinfo };
}
