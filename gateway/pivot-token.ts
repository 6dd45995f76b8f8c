import type { KeyObject } from 'node:crypto';
import {
  compactDecrypt,
  compactVerify,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  type JWTVerifyGetKey,
} from 'jose';
import type { Domain } from '../lib/contracts/domains.ts';
import type { AcrLevel } from '../lib/contracts/eidas.ts';
import type { PivotIdentity } from '../lib/contracts/pivot-identity.ts';
import {
  ConsentedOperationSchema,
  GRAPHQL_OPERATION,
  PIVOT_TOKEN_CONTENT_ENCRYPTION,
  PIVOT_TOKEN_KEY_MANAGEMENT_ALG,
  PIVOT_TOKEN_SIGNING_ALG,
  PIVOT_TOKEN_TYPE,
  PivotTokenClaimsSchema,
  type CompanyRole,
  type ConsentedOperation,
  type PivotTokenClaims,
} from '../lib/contracts/pivot-token.ts';
import { gatewayErrors, type GatewayErrorCode } from '../lib/contracts/gateway-errors.ts';
import { isSiren, isSiret } from '../lib/contracts/company-identifiers.ts';

/**
 * Verification of pivot tokens (docs/tokens.md, lib/contracts/pivot-token.ts): a JWS
 * signed by the broker (ES256, `typ: at+jwt`) encrypted to the gateway (JWE ECDH-ES /
 * A256GCM, `cty: at+jwt`), exactly what oidc-provider 9 issues for a resource server with
 * `accessTokenFormat: 'jwt'` and `jwt.encrypt` (auth/pivot-token.ts). The broker's keys come from its JWKS
 * (jose's remote key set: cached, refetched on an unknown `kid`); decryption and
 * signature checks are jose's, restricted to this one profile. The result is cached by
 * token value until it expires, so a token used twice is decrypted and verified once.
 */

export interface PivotClaims {
  /** Pairwise subject of the citizen for this SP: `Citizen.id`. */
  sub: string;
  clientId: string;
  acr: AcrLevel;
  pivot: PivotIdentity;
  grantId: string;
  /**
   * The broker's account id for the citizen, the same for every SP: the key of the exchange log,
   * and what each provider's own subject is derived from (gateway/provider-subject.ts); never sent.
   */
  citizenRef: string;
  jti: string | undefined;
  /** Thumbprint of the SP's DPoP key (`cnf.jkt`): every request proves possession of that key. */
  jkt: string;
  iat: number;
  exp: number;
  operations: readonly ConsentedOperation[];
  /**
   * A representative acting under a mandate (docs/mandates.md): then `sub`, `pivot` and
   * `citizenRef` are the mandator's, and this is who acts (`act`) and under what (`mandate`).
   */
  representation?: Representation | undefined;
  /**
   * The company the person acts for (docs/companies.md): `sub`, `pivot` and `citizenRef`
   * stay the person's. Only company scopes may then be read (gateway/subject.ts).
   */
  company?: ActingCompany | undefined;
}

/** The `company` claim, checked: SIREN and SIRET valid, the SIRET one of the SIREN's. */
export interface ActingCompany {
  siren: string;
  siret: string;
  legalName: string;
  role: CompanyRole;
  function?: string | undefined;
  mandateId?: string | undefined;
}

export interface Representation {
  /** The representative's pairwise subject for the SP, and their broker account id (their history). */
  actor: { sub: string; citizenRef: string };
  mandate: { id: string; domains: readonly Domain[]; endsAt: number };
}

export interface PivotTokenVerifierOptions {
  issuer: string;
  jwksUri: string;
  audience: string;
  decryptionKeys: ReadonlyMap<string, KeyObject>;
  maxLifetimeSeconds: number;
  clockToleranceSeconds: number;
  cacheSize: number;
  /** Minimum delay between two JWKS fetches triggered by unknown `kid`s (jose's cooldown). */
  jwksCooldownMs?: number;
  /** For tests: a key resolver instead of the remote JWKS. */
  keyResolver?: JWTVerifyGetKey;
}

const MAX_TOKEN_LENGTH = 16_384;
const COMPACT = /^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)*$/;

export class PivotTokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly cache = new Map<string, PivotClaims>();

  constructor(private readonly options: PivotTokenVerifierOptions) {
    this.keys =
      options.keyResolver ??
      createRemoteJWKSet(new URL(options.jwksUri), {
        timeoutDuration: 3000,
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: 600_000,
      });
  }

  /** How many verified tokens are held in memory (tests, and whoever sizes `cacheSize`). */
  get cachedTokens(): number {
    return this.cache.size;
  }

  /** The token's claims, or throws a `PasserelleError` with a PIVOT_TOKEN_* code. */
  async verify(token: string): Promise<PivotClaims> {
    const now = Math.floor(Date.now() / 1000);
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp + this.options.clockToleranceSeconds <= now) {
        this.cache.delete(token);
        throw fail('PIVOT_TOKEN_EXPIRED');
      }
      return cached;
    }
    const claims = await this.verifyUncached(token, now);
    if (this.options.cacheSize > 0) {
      this.dropExpired(now);
      if (this.cache.size >= this.options.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, claims);
    }
    return claims;
  }

  /**
   * Forgets the oldest tokens once expired. Entries are kept in the order they were first
   * verified, and tokens have about the same lifetime, so the expired ones are at the front:
   * without this, a gateway whose SPs renew their tokens keeps every expired one until the
   * cache is full (10,000 tokens of a few KB: the soak saw the RSS grow for half an hour).
   */
  private dropExpired(now: number): void {
    for (const [token, claims] of this.cache) {
      if (claims.exp + this.options.clockToleranceSeconds > now) return;
      this.cache.delete(token);
    }
  }

  private async verifyUncached(token: string, now: number): Promise<PivotClaims> {
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT.test(token)) throw fail('PIVOT_TOKEN_MALFORMED');
    const parts = token.split('.');
    if (parts.length === 3) throw fail('PIVOT_TOKEN_NOT_ENCRYPTED');
    if (parts.length !== 5) throw fail('PIVOT_TOKEN_MALFORMED');

    const jws = await this.decrypt(token);
    if (!COMPACT.test(jws) || jws.split('.').length !== 3) throw fail('PIVOT_TOKEN_MALFORMED');
    // Cheap checks on the still unverified header and claims first, so that each
    // refusal gets its own code (a foreign issuer is not a "bad signature").
    const header = readJson(() => decodeProtectedHeader(jws));
    if (header.alg !== PIVOT_TOKEN_SIGNING_ALG)
      throw fail('PIVOT_TOKEN_ALG_NOT_ALLOWED', { alg: typeof header.alg === 'string' ? header.alg : null });
    if (header.typ !== PIVOT_TOKEN_TYPE && header.typ !== `application/${PIVOT_TOKEN_TYPE}`)
      throw fail('PIVOT_TOKEN_TYPE_INVALID');
    if (header.crit !== undefined) throw fail('PIVOT_TOKEN_MALFORMED');
    const payload = readJson(() => decodeJwt(jws));
    if (payload.iss !== this.options.issuer) throw fail('PIVOT_TOKEN_ISSUER_UNKNOWN');

    try {
      await compactVerify(jws, this.keys, { algorithms: [PIVOT_TOKEN_SIGNING_ALG] });
    } catch (error) {
      throw mapVerifyError(error);
    }
    this.checkTimesAndAudience(payload, now);
    return this.readClaims(payload, now);
  }

  /** The nested JWS, decrypted with the gateway key the JWE names (ECDH-ES / A256GCM only). */
  private async decrypt(token: string): Promise<string> {
    const header = readJson(() => decodeProtectedHeader(token));
    if (header.cty !== PIVOT_TOKEN_TYPE && header.cty !== 'JWT') throw fail('PIVOT_TOKEN_TYPE_INVALID');
    const keys = this.options.decryptionKeys;
    const key =
      typeof header.kid === 'string' ? keys.get(header.kid) : keys.size === 1 ? [...keys.values()][0] : undefined;
    if (!key) throw fail('PIVOT_TOKEN_UNDECRYPTABLE', { reason: 'unknown key' });
    try {
      const { plaintext } = await compactDecrypt(token, key, {
        keyManagementAlgorithms: [PIVOT_TOKEN_KEY_MANAGEMENT_ALG],
        contentEncryptionAlgorithms: [PIVOT_TOKEN_CONTENT_ENCRYPTION],
      });
      return new TextDecoder().decode(plaintext);
    } catch {
      throw fail('PIVOT_TOKEN_UNDECRYPTABLE');
    }
  }

  private checkTimesAndAudience(payload: Record<string, unknown>, now: number): void {
    const tolerance = this.options.clockToleranceSeconds;
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(this.options.audience)) throw fail('PIVOT_TOKEN_AUDIENCE_INVALID');
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number')
      throw fail('PIVOT_TOKEN_CLAIMS_INVALID', {
        claims: ['exp', 'iat'].filter((c) => typeof payload[c] !== 'number'),
      });
    if (payload.exp <= now - tolerance) throw fail('PIVOT_TOKEN_EXPIRED');
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now + tolerance))
      throw fail('PIVOT_TOKEN_NOT_YET_VALID');
  }

  private readClaims(payload: Record<string, unknown>, now: number): PivotClaims {
    const jkt = (payload.cnf as Record<string, unknown> | undefined)?.jkt;
    // A token without a key binding is a bearer token anyone holding a copy could use.
    if (typeof jkt !== 'string' || !jkt) throw fail('PIVOT_TOKEN_NOT_SENDER_CONSTRAINED');
    const parsed = PivotTokenClaimsSchema.safeParse(payload);
    if (!parsed.success)
      throw fail('PIVOT_TOKEN_CLAIMS_INVALID', {
        claims: [...new Set(parsed.error.issues.map((i) => i.path.join('.')))],
      });
    const claims = parsed.data;
    const tolerance = this.options.clockToleranceSeconds;
    if (claims.iat > now + tolerance) throw fail('PIVOT_TOKEN_NOT_YET_VALID');
    if (claims.exp - claims.iat > this.options.maxLifetimeSeconds)
      throw fail('PIVOT_TOKEN_CLAIMS_INVALID', {
        claims: ['exp'],
        maxLifetimeSeconds: this.options.maxLifetimeSeconds,
      });

    // `act` and `mandate` go together: one without the other is no representation the broker issues.
    if ((claims.act === undefined) !== (claims.mandate === undefined))
      throw fail('PIVOT_TOKEN_CLAIMS_INVALID', { claims: [claims.act ? 'mandate' : 'act'] });
    const company = claims.company ? readCompany(claims.company, claims.act !== undefined) : undefined;
    const operations: ConsentedOperation[] = [];
    for (const [index, detail] of (claims.authorization_details ?? []).entries()) {
      if (detail.type !== GRAPHQL_OPERATION) continue;
      const operation = ConsentedOperationSchema.safeParse(detail);
      if (!operation.success) throw fail('PIVOT_TOKEN_CLAIMS_INVALID', { claims: [`authorization_details.${index}`] });
      operations.push(operation.data);
    }
    return {
      sub: claims.sub,
      clientId: claims.client_id,
      acr: claims.acr,
      pivot: claims.pivot,
      grantId: claims.grant_id,
      citizenRef: claims.citizen_ref,
      jti: claims.jti,
      jkt,
      iat: claims.iat,
      exp: claims.exp,
      operations,
      representation:
        claims.act && claims.mandate
          ? {
              actor: { sub: claims.act.sub, citizenRef: claims.act.citizen_ref },
              mandate: { id: claims.mandate.id, domains: claims.mandate.domains, endsAt: claims.mandate.ends_at },
            }
          : undefined,
      company,
    };
  }
}

/**
 * The `company` claim beyond its shape (lib/contracts/pivot-token.ts): check digits, the
 * establishment of that company, a mandate id exactly when the person is mandated; never
 * together with a personal mandate (`act`), which the broker does not issue.
 */
function readCompany(company: NonNullable<PivotTokenClaims['company']>, underPersonalMandate: boolean): ActingCompany {
  const bad: string[] = [];
  if (!isSiren(company.siren)) bad.push('company.siren');
  if (!isSiret(company.siret) || !company.siret.startsWith(company.siren)) bad.push('company.siret');
  if ((company.role === 'mandated') !== (company.mandate_id !== undefined)) bad.push('company.mandate_id');
  if (underPersonalMandate) bad.push('company');
  if (bad.length) throw fail('PIVOT_TOKEN_CLAIMS_INVALID', { claims: bad });
  return {
    siren: company.siren,
    siret: company.siret,
    legalName: company.legal_name,
    role: company.role,
    ...(company.function !== undefined ? { function: company.function } : {}),
    ...(company.mandate_id !== undefined ? { mandateId: company.mandate_id } : {}),
  };
}

function fail(code: GatewayErrorCode, details?: Record<string, unknown>) {
  return gatewayErrors.error(code, details);
}

/** A bad signature or an unknown key is the token's fault; an unreachable JWKS is not. */
function mapVerifyError(error: unknown) {
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys ||
    error instanceof joseErrors.JWSInvalid ||
    error instanceof joseErrors.JOSEAlgNotAllowed
  ) {
    return fail('PIVOT_TOKEN_SIGNATURE_INVALID');
  }
  // Timeout, network error, invalid JWKS document.
  return gatewayErrors.error('BROKER_KEYS_UNAVAILABLE', {}, error);
}

/** A decoded (not yet verified) header or payload, or PIVOT_TOKEN_MALFORMED. */
function readJson(decode: () => object): Record<string, unknown> {
  try {
    return decode() as Record<string, unknown>;
  } catch {
    throw fail('PIVOT_TOKEN_MALFORMED');
  }
}
