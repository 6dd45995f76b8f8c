import { z } from 'zod';
import { Service, SecretRef, HttpUrl } from '../common.ts';

export const BrokerSection = z.strictObject({
  ...Service,
  /** OpenID issuer identifier; defaults to `url`. */
  issuer: HttpUrl.optional(),
  /** Private JWKS of the broker (ID token and pivot token signing); order = rotation state (auth/keys.ts). */
  keys: SecretRef,
  /** Server secret mixed into pairwise subjects. */
  pairwiseSecret: SecretRef,
  /** Keys signing the broker's cookies (first one signs, all verify). */
  cookieKeys: SecretRef,
  /** Lifetime of pivot tokens (access tokens for the gateway). */
  accessTokenTtlSeconds: z.number().int().positive().max(600).default(60),
  /** Lifetime of authorization codes. */
  codeTtlSeconds: z.number().int().positive().max(600).default(60),
  /** Lifetime of ID tokens. */
  idTokenTtlSeconds: z.number().int().positive().max(3600).default(300),
  /** Lifetime of a sign-in interaction (chooser, trip to the IdP). */
  interactionTtlSeconds: z.number().int().positive().max(3600).default(600),
  /** Lifetime of a broker session (single sign-on between service providers). */
  sessionTtlSeconds: z.number().int().positive().max(86400).default(1800),
  /**
   * The gateway's public JWKS (a file reference): pivot tokens are encrypted to its
   * first `use: "enc"`, `alg: "ECDH-ES"` key (docs/tokens.md). Private members, if the
   * file holds any (the sandbox pair), are dropped.
   */
  gatewayEncryptionKeys: SecretRef,
  /** Timeout of one request to an identity provider (discovery, token, userinfo). */
  idpTimeoutMs: z.number().int().positive().max(60000).default(5000),
  /** The citizen's dashboard (`/mon-compte`, auth/dashboard/). */
  dashboard: z.strictObject({
    /**
     * Secret of the dashboard's own OpenID client at the broker. Absent: derived from
     * `pairwiseSecret` (HMAC), so no extra secret has to be managed.
     */
    clientSecret: SecretRef.optional(),
    /** A dashboard session ends after this long without a request. */
    sessionIdleSeconds: z.number().int().min(60).max(3600).default(900),
    /** A dashboard session ends this long after sign-in, whatever the activity. */
    sessionMaxSeconds: z.number().int().min(300).max(86400).default(7200),
    /** Events per history page. */
    pageSize: z.number().int().min(5).max(100).default(20),
  }).prefault({}),
  /** Who answers for this instance in its accessibility statement (`/accessibilite`, RGAA; docs/accessibility.md). */
  accessibility: z.strictObject({
    /** The public body operating this instance, named in the statement. */
    entity: z.string().min(1).max(200).optional(),
    /** Where citizens report an accessibility problem: an e-mail address or an https:// page. */
    contact: z.string().max(300).refine((value) => /^https:\/\/\S+$/.test(value) || /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value),
      'an e-mail address or an https:// URL').optional(),
  }).prefault({}),
});
