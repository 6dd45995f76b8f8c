import * as oidc from 'openid-client';
import type { TestPlatform } from '../../../harness/platform.ts';
import { Agent, formAction } from '../../../lib/http/agent.ts';
import { SANDBOX_IDP_NAMES } from '../../../sandbox/idps/index.ts';
import { spClient } from './broker.ts';

/** What the broker's sign-in tests start: the four sandbox identity providers and the broker. */
export const BROKER_AND_IDPS = [...SANDBOX_IDP_NAMES, 'broker'];

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
  /** Send the browser here instead of a new authorization request (a URL an earlier sign-in started from). */
  start?: URL;
  /** Send some broker requests to another broker process (same issuer). */
  rewrite?: (url: URL) => URL;
}

export interface SignInResult {
  agent: Agent;
  /** Where the browser ended: the SP's redirect URI, or a page. */
  landed: URL;
  response: Response;
  /** Where the browser was first sent (with PAR: the `request_uri` it got). */
  start: URL;
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
  const start =
    options.start ??
    (sp.requirePar
      ? await oidc.buildAuthorizationUrlWithPAR(client, params)
      : oidc.buildAuthorizationUrl(client, params));
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
  return { agent, landed: url, response, start, checks, client };
}

/** The SP's side of the way back: code for tokens, ID token claims, userinfo. */
export async function redeem(result: SignInResult) {
  // Say what the broker answered instead of openid-client's bare "the server is an error".
  const error = result.landed.searchParams.get('error');
  if (error) throw new Error(`the broker sent the SP ${error}: ${result.landed.searchParams.get('error_description')}`);
  const tokens = await oidc.authorizationCodeGrant(result.client, result.landed, result.checks);
  const claims = tokens.claims()!;
  const userinfo = await oidc.fetchUserInfo(result.client, tokens.access_token, claims.sub);
  return { tokens, claims, userinfo };
}
