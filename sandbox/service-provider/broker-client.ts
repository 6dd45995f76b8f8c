import { createRemoteJWKSet, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { Logger } from '../../lib/log.ts';
import type { Fail } from './errors.ts';
import { describe, isUnreachable } from './failures.ts';

/** What the broker client needs of the service's settings (settings.ts). */
export interface BrokerClientSettings {
  clientId: string;
  issuer: string;
  /** The signing key of `private_key_jwt` (the first private key of the service's JWKS). */
  signingKey: JWK;
  redirectUri: string;
  postLogoutRedirectUri: string;
  gatewayAudience: string;
  /** Level of assurance asked for (`acr_values`); none: the broker's default for this service. */
  acr: string | undefined;
  requestTimeoutMs: number;
}

/** One sign-in's request: the identity scopes, and the registered operation with its purpose. */
export interface SignInRequest {
  /** `openid` and the identity scopes (`given_name family_name`, `representation`…). */
  scope: string;
  operationName: string;
  /** Why the service reads the data: shown on the consent page. */
  purpose: string;
}

/** What the service keeps between sending the citizen to the broker and the way back. */
export interface SignInChecks {
  pkceCodeVerifier: string;
  expectedState: string;
  expectedNonce: string;
  /** This sign-in's DPoP key: the code, then the pivot token, are bound to it. */
  dpopKeys: CryptoKeyPair;
}

export interface SignedIn {
  /** The pivot token, for the gateway only; used at once, never stored. */
  accessToken: string;
  /** The key the pivot token is bound to: every gateway request carries a proof of it. */
  dpopKeys: CryptoKeyPair;
  idToken: string;
  /** The citizen's pairwise subject for this service, and the broker session id. */
  sub: string;
  sid: string | undefined;
  /** The citizen's name (ID token claims), when the service asked for it. */
  name: string | undefined;
  /**
   * Under a mandate, who acts for the citizen (the ID token's `act`, docs/mandates.md):
   * their subject for this service, and their name. `sub` and `name` are then the mandator's.
   */
  actor?: { sub: string; name: string | undefined } | undefined;
}

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * A sandbox service as an OpenID client of the broker (openid-client), FAPI 2.0 as the broker
 * requires for data: `private_key_jwt`, PKCE S256, state and nonce, the authorization
 * request pushed (PAR) with the `authorization_details` naming one registered
 * operation and the gateway as `resource`, and a DPoP key per sign-in (RFC 9449) that
 * binds the code and the pivot token, whose proofs go with the gateway request too. The
 * broker's metadata is discovered on first use (and again after a failure), so the
 * service starts whether the broker is up or not.
 */
export class BrokerClient {
  private configuration: Promise<oidc.Configuration> | undefined;
  private logoutKeys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(
    private readonly settings: BrokerClientSettings,
    private readonly logger: Logger,
    /** The service's own errors, by kind (errors.ts). */
    private readonly fail: Fail,
  ) {}

  /** The URL to send the citizen to, and the checks to keep for the way back. */
  async startSignIn(request: SignInRequest): Promise<{ url: URL; checks: SignInChecks }> {
    const client = await this.client();
    const checks: SignInChecks = {
      pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
      expectedState: oidc.randomState(),
      expectedNonce: oidc.randomNonce(),
      dpopKeys: await oidc.randomDPoPKeyPair(),
    };
    const parameters: Record<string, string> = {
      redirect_uri: this.settings.redirectUri,
      scope: request.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.pkceCodeVerifier),
      code_challenge_method: 'S256',
      state: checks.expectedState,
      nonce: checks.expectedNonce,
      resource: this.settings.gatewayAudience,
      authorization_details: JSON.stringify([
        {
          type: 'graphql_operation',
          operation_name: request.operationName,
          purpose: request.purpose,
        },
      ]),
      ...(this.settings.acr ? { acr_values: this.settings.acr } : {}),
    };
    const DPoP = oidc.getDPoPHandle(client, checks.dpopKeys);
    const url = await this.call('par', () => oidc.buildAuthorizationUrlWithPAR(client, parameters, { DPoP }));
    return { url, checks };
  }

  /** The way back: checks the answer, exchanges the code (once) for the tokens. */
  async finishSignIn(query: string, checks: SignInChecks): Promise<SignedIn> {
    const client = await this.client();
    const callback = new URL(this.settings.redirectUri);
    callback.search = query;
    if (callback.searchParams.get('state') !== checks.expectedState) throw this.fail('SIGN_IN_EXPIRED');
    const { dpopKeys, ...expected } = checks;
    const tokens = await this.call('token', () =>
      oidc.authorizationCodeGrant(client, callback, { ...expected, idTokenExpected: true }, undefined, {
        DPoP: oidc.getDPoPHandle(client, dpopKeys),
      }),
    );
    const claims = tokens.claims()!;
    const act = claims.act as { sub?: unknown; given_name?: unknown; family_name?: unknown } | undefined;
    return {
      actor:
        act && typeof act.sub === 'string'
          ? {
              sub: act.sub,
              name:
                typeof act.given_name === 'string' && typeof act.family_name === 'string'
                  ? `${act.given_name.split(' ')[0]} ${act.family_name}`
                  : undefined,
            }
          : undefined,
      accessToken: tokens.access_token,
      dpopKeys,
      idToken: tokens.id_token!,
      sub: claims.sub,
      sid: typeof claims.sid === 'string' ? claims.sid : undefined,
      name:
        typeof claims.given_name === 'string' && typeof claims.family_name === 'string'
          ? `${claims.given_name} ${claims.family_name}`
          : undefined,
    };
  }

  /**
   * POSTs `body` (JSON) to the gateway with the pivot token and a fresh DPoP proof. A
   * refusal of the token or proof (401) is returned as the gateway's answer, like any other.
   */
  async postToGateway(signedIn: SignedIn, endpoint: string, body: string): Promise<Response> {
    const client = await this.client();
    try {
      return await oidc.fetchProtectedResource(
        client,
        signedIn.accessToken,
        new URL(endpoint),
        'POST',
        body,
        new Headers({
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
        }),
        { DPoP: oidc.getDPoPHandle(client, signedIn.dpopKeys) },
      );
    } catch (error) {
      if (error instanceof oidc.WWWAuthenticateChallengeError) return error.response;
      throw error;
    }
  }

  /** RP-initiated logout at the broker; `undefined` when the broker cannot be reached. */
  async endSessionUrl(idToken: string): Promise<URL | undefined> {
    try {
      return oidc.buildEndSessionUrl(await this.client(), {
        id_token_hint: idToken,
        post_logout_redirect_uri: this.settings.postLogoutRedirectUri,
      });
    } catch (error) {
      this.logger.warn({ err: describe(error) }, 'logout at the broker skipped');
      return undefined;
    }
  }

  /** Verifies a back-channel logout token (OpenID Back-Channel Logout 1.0, section 2.6). */
  async verifyLogoutToken(token: string): Promise<{ sub?: string; sid?: string }> {
    const client = await this.client();
    this.logoutKeys ??= createRemoteJWKSet(new URL(client.serverMetadata().jwks_uri!));
    const { payload } = await jwtVerify(token, this.logoutKeys, {
      issuer: client.serverMetadata().issuer,
      audience: this.settings.clientId,
      algorithms: ['ES256', 'RS256'],
      maxTokenAge: '2 minutes',
      requiredClaims: ['iat', 'jti', 'events'],
    });
    const events = payload.events as Record<string, unknown> | undefined;
    if (!events || typeof events[BACKCHANNEL_LOGOUT_EVENT] !== 'object' || 'nonce' in payload)
      throw new Error('not a logout token');
    const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
    const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
    if (!sub && !sid) throw new Error('a logout token names a sub or a sid');
    return { ...(sub ? { sub } : {}), ...(sid ? { sid } : {}) };
  }

  private client(): Promise<oidc.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  private async discover(): Promise<oidc.Configuration> {
    const key = (await importJWK(this.settings.signingKey, this.settings.signingKey.alg ?? 'ES256')) as CryptoKey;
    const auth = oidc.PrivateKeyJwt({ key, kid: this.settings.signingKey.kid });
    const insecure = new URL(this.settings.issuer).protocol === 'http:';
    return this.call('discovery', () =>
      oidc.discovery(new URL(this.settings.issuer), this.settings.clientId, {}, auth, {
        timeout: Math.ceil(this.settings.requestTimeoutMs / 1000),
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      }),
    );
  }

  /** Runs one exchange with the broker and turns its failures into the service's errors. */
  private async call<T>(step: string, exchange: () => Promise<T>): Promise<T> {
    try {
      return await exchange();
    } catch (error) {
      const mapped = signInError(error, this.fail);
      this.logger.warn(
        { step, code: mapped.code, details: mapped.details, err: describe(error) },
        'broker exchange failed',
      );
      throw mapped;
    }
  }
}

/** The broker puts its own code first in error_description: "IDP_UNAVAILABLE: …". */
function brokerCode(description: string | undefined): string | undefined {
  return /^([A-Z][A-Z0-9_]+):/.exec(description ?? '')?.[1];
}

function signInError(error: unknown, fail: Fail) {
  if (error instanceof oidc.AuthorizationResponseError) {
    const code = brokerCode(error.error_description);
    const details = { error: error.error, ...(code ? { brokerCode: code } : {}) };
    if (error.error === 'access_denied') {
      if (code === 'SIGN_IN_CANCELLED') return fail('SIGN_IN_CANCELLED', details);
      if (code && /^(IDP_|PIVOT_)/.test(code)) return fail('IDENTITY_PROVIDER_FAILED', details);
      // RFC 6749: the resource owner denied the request — the consent page's "refuse".
      return fail('CONSENT_REFUSED', details);
    }
    if (code && /^(IDP_|PIVOT_)/.test(code)) return fail('IDENTITY_PROVIDER_FAILED', details);
    return fail('SIGN_IN_FAILED', details);
  }
  if (error instanceof oidc.ResponseBodyError) {
    const code = brokerCode(error.error_description);
    const details = { error: error.error, ...(code ? { brokerCode: code } : {}) };
    // A code already used or expired (back button, a second tab): start again.
    if (error.error === 'invalid_grant') return fail('SIGN_IN_EXPIRED', details);
    if (error.status >= 500) return fail('BROKER_UNAVAILABLE', details);
    return fail('SIGN_IN_FAILED', details);
  }
  if (isUnreachable(error)) return fail('BROKER_UNAVAILABLE');
  if (error instanceof oidc.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM')
    return fail('BROKER_UNAVAILABLE');
  return fail('SIGN_IN_FAILED');
}
