import { createHmac } from 'node:crypto';
import type { Context } from 'koa';
import type { ClientMetadata } from 'oidc-provider';
import * as oidc from 'openid-client';
import type { Config } from '../../lib/config/load.ts';
import type { Pool } from '../../lib/db/database.ts';
import { isAcrLevel, type AcrLevel } from '../../lib/contracts/eidas.ts';
import { DASHBOARD_CLIENT } from '../clients.ts';
import { DASHBOARD_PATH } from './session.ts';

/** Cookie holding this browser's pending dashboard sign-in (state, nonce, PKCE verifier). */
const PENDING_COOKIE = 'passerelle_mon_compte_login';

/**
 * The dashboard signs citizens in as any relying party does: authorization code +
 * PKCE against the broker's own issuer (openid-client), `prompt=login`, scope
 * `openid` only, any IdP through the usual chooser. Its client is first-party: the
 * broker registers it (not the configuration), and its `sub` is the account id.
 */
export function dashboardClientMetadata(config: Config, brokerUrl: string): ClientMetadata {
  return {
    client_id: DASHBOARD_CLIENT.clientId,
    client_name: DASHBOARD_CLIENT.displayName.fr,
    client_secret: dashboardClientSecret(config),
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    scope: 'openid',
    redirect_uris: [`${brokerUrl}${DASHBOARD_PATH}/callback`],
    post_logout_redirect_uris: [`${brokerUrl}${DASHBOARD_PATH}/deconnecte`],
    subject_type: 'pairwise',
    id_token_signed_response_alg: 'ES256',
  };
}

/** The configured secret, else one derived from the pairwise secret (never a constant). */
function dashboardClientSecret(config: Config): string {
  const configured = config.broker.dashboard.clientSecret;
  if (configured) return config.secret(configured, 'broker.dashboard.clientSecret');
  const base = config.secret(config.broker.pairwiseSecret, 'broker.pairwiseSecret');
  return createHmac('sha256', base).update('passerelle:dashboard-client-secret').digest('base64url');
}

/** What a sign-in asks for: a level (`niveau=eidas2`) and the dashboard page to come back to. */
export interface SignInRequest {
  acr: AcrLevel;
  returnTo: string;
}

export type SignInResult =
  { ok: true; accountId: string; acr: AcrLevel | undefined; returnTo: string } | { ok: false; reason: string };

export interface DashboardSignIn {
  /** Sends the browser to the broker's authorization endpoint. */
  start(ctx: Context, request: SignInRequest): Promise<void>;
  /** Back at the callback: the account id, the level reached and where to go, or a reason to refuse. */
  finish(ctx: Context): Promise<SignInResult>;
  /** The broker's RP-initiated logout URL for this client. */
  logoutUrl(lang: string): Promise<URL>;
}

export function createDashboardSignIn(config: Config, issuer: string, brokerUrl: string): DashboardSignIn {
  const metadata = dashboardClientMetadata(config, brokerUrl);
  const redirectUri = metadata.redirect_uris![0]!;
  let discovered: Promise<oidc.Configuration> | undefined;
  // Discovered on first use: the broker answers its own discovery once it is listening.
  const client = () => {
    discovered ??= oidc
      .discovery(
        new URL(issuer),
        metadata.client_id,
        undefined,
        oidc.ClientSecretPost(metadata.client_secret!),
        new URL(issuer).protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  return {
    async start(ctx, request) {
      const pending: Pending = {
        verifier: oidc.randomPKCECodeVerifier(),
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        returnTo: request.returnTo,
      };
      ctx.cookies.set(PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
        path: `${DASHBOARD_PATH}/callback`,
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        overwrite: true,
        secure: ctx.protocol === 'https',
        maxAge: config.broker.interactionTtlSeconds * 1000,
      });
      const url = oidc.buildAuthorizationUrl(await client(), {
        redirect_uri: redirectUri,
        scope: 'openid',
        prompt: 'login',
        acr_values: request.acr,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
        ui_locales: String(ctx.state.lang ?? 'fr'),
      });
      ctx.status = 303;
      ctx.redirect(url.href);
    },

    async finish(ctx) {
      const raw = ctx.cookies.get(PENDING_COOKIE, { signed: true });
      ctx.cookies.set(PENDING_COOKIE, null, { path: `${DASHBOARD_PATH}/callback` });
      const pending = parsePending(raw);
      if (!pending) return { ok: false, reason: 'no pending sign-in in this browser' };
      if (typeof ctx.query.error === 'string') return { ok: false, reason: `broker answered ${ctx.query.error}` };
      try {
        const callbackUrl = new URL(`${redirectUri}${ctx.search}`);
        const tokens = await oidc.authorizationCodeGrant(await client(), callbackUrl, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        const accountId = claims?.sub;
        if (!accountId) return { ok: false, reason: 'no subject in the ID token' };
        const acr = isAcrLevel(claims.acr) ? claims.acr : undefined;
        return { ok: true, accountId, acr, returnTo: returnPath(pending.returnTo) };
      } catch (error) {
        return { ok: false, reason: (error as { code?: string }).code ?? (error as Error).name };
      }
    },

    async logoutUrl(lang) {
      const url = oidc.buildEndSessionUrl(await client(), {
        client_id: metadata.client_id,
        post_logout_redirect_uri: metadata.post_logout_redirect_uris![0]!,
        ui_locales: lang,
      });
      return url;
    },
  };
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

function parsePending(raw: string | undefined): Pending | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof value.verifier === 'string' && typeof value.state === 'string' && typeof value.nonce === 'string') {
      const returnTo = typeof value.returnTo === 'string' ? value.returnTo : DASHBOARD_PATH;
      return { verifier: value.verifier, state: value.state, nonce: value.nonce, returnTo };
    }
  } catch {
    // A malformed cookie is no pending sign-in.
  }
  return undefined;
}

/**
 * Where to go after sign-in (`retour=`): a page of the dashboard itself, path and query
 * only, else the history. Anything that could leave /mon-compte — another origin,
 * `//host`, a backslash, an encoded or dot-segment escape — falls back (no open redirect).
 */
export function returnPath(wanted: unknown): string {
  if (typeof wanted !== 'string' || wanted.length > 512 || !wanted.startsWith(DASHBOARD_PATH)) return DASHBOARD_PATH;
  if (/[\\\s]|%2f|%5c|%2e/i.test(wanted) || /[^\x21-\x7e]/.test(wanted)) return DASHBOARD_PATH;
  const base = 'http://dashboard.invalid';
  const url = new URL(wanted, base);
  const inside = url.pathname === DASHBOARD_PATH || url.pathname.startsWith(`${DASHBOARD_PATH}/`);
  if (url.origin !== base || !inside || url.hash || url.pathname.startsWith(`${DASHBOARD_PATH}/callback`))
    return DASHBOARD_PATH;
  return `${url.pathname}${url.search}`;
}

/** The level a sign-in asks for (`niveau=`): eidas1 unless said, undefined when not a level. */
export function requestedLevel(wanted: unknown): AcrLevel | undefined {
  if (wanted === undefined || wanted === '') return 'eidas1';
  return isAcrLevel(wanted) ? wanted : undefined;
}

/**
 * The IdP of the dashboard sign-in that just ended: the latest `broker.sign_in` of
 * this account through the dashboard client (recorded by the callback before the
 * code was issued).
 */
export async function latestDashboardIdp(pool: Pool, accountId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ idp: string | null }>(
    `SELECT data->>'idp' AS idp FROM audit.events
     WHERE citizen_ref = $1 AND client_id = $2 AND kind = 'broker.sign_in'
     ORDER BY occurred_at DESC, seq DESC LIMIT 1`,
    [accountId, DASHBOARD_CLIENT.clientId],
  );
  return rows[0]?.idp ?? undefined;
}
