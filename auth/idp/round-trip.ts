import * as oidc from 'openid-client';
import { reachesAcr, type AcrLevel } from '../../lib/contracts/eidas.ts';
import { OPENID_PROTOCOL_CLAIMS } from '../../lib/contracts/pivot-identity.ts';
import type { IdentityProvider } from '../../lib/config/sections/identity-providers.ts';
import type { Pool } from '../../lib/db/database.ts';
import { brokerErrors } from '../errors.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import { classifyIdpError } from './failures.ts';
import { inSpan } from '../../lib/telemetry/tracing.ts';
import type { IdpRegistry } from './registry.ts';

/** Scopes the broker asks every identity provider for: the pivot identity (FranceConnect's `identite_pivot`) and email. */
const IDP_SCOPES = 'openid identite_pivot email';

export interface IdpRoundTrip {
  state: string;
  interactionUid: string;
  idp: string;
  codeVerifier: string;
  nonce: string;
  acr: AcrLevel;
}

export interface IdpSignIn {
  /** The level the IdP asserted (never below the one asked). */
  acr: AcrLevel;
  amr: string[] | undefined;
  /** Identity claims from userinfo (no protocol claims). */
  claims: Record<string, unknown>;
}

/**
 * The broker as a relying party of one identity provider: `start` sends the
 * citizen there (PKCE S256, state, nonce, prompt=login, acr_values), `finish`
 * checks the way back (state known and unused, iss, signature, audience, nonce,
 * acr not below what was asked) and reads userinfo. The round trip's secrets
 * live in `auth.idp_requests`, so the callback may land on any broker process.
 */
export function createIdpRoundTrips(
  pool: Pool,
  registry: IdpRegistry,
  ttlSeconds: number,
  /** Told of each failed round trip (a metric: auth/metrics.ts). */
  onFailure: (idp: string, code: string) => void = () => {},
) {
  return {
    start: (idp: IdentityProvider, interactionUid: string, acr: AcrLevel) =>
      inSpan('broker', 'idp.start', { 'passerelle.idp': idp.name, 'passerelle.acr': acr }, () =>
        start(idp, interactionUid, acr),
      ),

    /** A round trip not even started: the IdP is known not to answer (auth/idp/availability.ts); counted like a failed one. */
    notStarted(idp: IdentityProvider, code: 'IDP_UNAVAILABLE'): void {
      onFailure(idp.name, code);
    },

    take,

    /** `query`: the callback's query string, read against our registered redirect URI (whatever host this process was reached at). */
    finish: (idp: IdentityProvider, trip: IdpRoundTrip, query: string) =>
      inSpan('broker', 'idp.finish', { 'passerelle.idp': idp.name }, () => finish(idp, trip, query)),
  };

  async function start(
    idp: IdentityProvider,
    interactionUid: string,
    acr: AcrLevel,
  ): Promise<{ url: URL; state: string }> {
    const client = await registry.client(idp).catch((error: unknown) => {
      // Discovery failed: already one of our codes (registry.ts).
      if (isPasserelleError(error)) onFailure(idp.name, error.code);
      throw error;
    });
    const trip: IdpRoundTrip = {
      state: oidc.randomState(),
      interactionUid,
      idp: idp.name,
      codeVerifier: oidc.randomPKCECodeVerifier(),
      nonce: oidc.randomNonce(),
      acr,
    };
    await pool.query(
      `INSERT INTO auth.idp_requests (state, interaction_uid, idp, code_verifier, nonce, acr, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7::float8))`,
      [trip.state, trip.interactionUid, trip.idp, trip.codeVerifier, trip.nonce, trip.acr, ttlSeconds],
    );
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: registry.redirectUri(idp),
      response_type: 'code',
      scope: IDP_SCOPES,
      state: trip.state,
      nonce: trip.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(trip.codeVerifier),
      code_challenge_method: 'S256',
      prompt: 'login',
      acr_values: acr,
    });
    return { url, state: trip.state };
  }

  /** Takes (and deletes: one use) the round trip a callback's `state` names. */
  async function take(state: string, idp: string): Promise<IdpRoundTrip | undefined> {
    const { rows } = await pool.query<{
      interaction_uid: string;
      code_verifier: string;
      nonce: string;
      acr: AcrLevel;
    }>(
      `DELETE FROM auth.idp_requests WHERE state = $1 AND idp = $2 AND expires_at > now()
         RETURNING interaction_uid, code_verifier, nonce, acr`,
      [state, idp],
    );
    const row = rows[0];
    return (
      row && {
        state,
        idp,
        interactionUid: row.interaction_uid,
        codeVerifier: row.code_verifier,
        nonce: row.nonce,
        acr: row.acr,
      }
    );
  }

  async function finish(idp: IdentityProvider, trip: IdpRoundTrip, query: string): Promise<IdpSignIn> {
    const callbackUrl = new URL(`${registry.redirectUri(idp)}?${query}`);
    let idToken: oidc.IDToken | undefined;
    let userinfo: Record<string, unknown>;
    try {
      const client = await registry.client(idp);
      const tokens = await oidc.authorizationCodeGrant(client, callbackUrl, {
        pkceCodeVerifier: trip.codeVerifier,
        expectedState: trip.state,
        expectedNonce: trip.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.claims();
      if (!idToken) throw brokerErrors.error('IDP_RESPONSE_INVALID', { idp: idp.name, check: 'id_token missing' });
      if (!reachesAcr(idToken.acr, trip.acr)) {
        throw brokerErrors.error('IDP_ACR_TOO_LOW', {
          idp: idp.name,
          asked: trip.acr,
          received: typeof idToken.acr === 'string' ? idToken.acr : null,
        });
      }
      userinfo = await oidc.fetchUserInfo(client, tokens.access_token, idToken.sub);
    } catch (error) {
      const failure = classifyIdpError(error, idp.name);
      onFailure(idp.name, failure.code);
      throw failure;
    }
    const claims = Object.fromEntries(Object.entries(userinfo).filter(([name]) => !OPENID_PROTOCOL_CLAIMS.has(name)));
    const amr = Array.isArray(idToken.amr) ? idToken.amr.filter((x): x is string => typeof x === 'string') : undefined;
    return { acr: idToken.acr as AcrLevel, amr, claims };
  }
}

export type IdpRoundTrips = ReturnType<typeof createIdpRoundTrips>;
