import { z } from 'zod';
import { DomainName, type Domain } from './domains.ts';
import { AcrLevel } from './eidas.ts';
import { PivotIdentitySchema, type PivotIdentity } from './pivot-identity.ts';

/**
 * The pivot token (docs/tokens.md): the access token the broker issues for the gateway
 * and the gateway verifies — a JWS signed by the broker, encrypted to the gateway. The
 * broker builds it (auth/pivot-token.ts, through oidc-provider); the gateway reads it
 * (gateway/pivot-token.ts). What both sides must agree on is here.
 */

/** JOSE profile: the JWS header `typ` (RFC 9068), its signature, and the JWE around it. */
export const PIVOT_TOKEN_TYPE = 'at+jwt';
export const PIVOT_TOKEN_SIGNING_ALG = 'ES256';
export const PIVOT_TOKEN_KEY_MANAGEMENT_ALG = 'ECDH-ES';
export const PIVOT_TOKEN_CONTENT_ENCRYPTION = 'A256GCM';

/** `authorization_details` type (RFC 9396) of a consented GraphQL operation. */
export const GRAPHQL_OPERATION = 'graphql_operation';

/**
 * One operation the citizen consented to: what the consent page showed, what the grant
 * keeps, what the pivot token carries in `authorization_details` — never the document.
 */
export interface ConsentedOperation {
  type: typeof GRAPHQL_OPERATION;
  /** The operation's name in the document (null for an anonymous one). */
  operation_name: string | null;
  /** `operationHash(document)` (lib/federation/operation.ts): what the gateway compares. */
  operation_hash: string;
  /** Scopes granted for this operation, sorted. */
  scopes: string[];
  /** Why the service reads the data, as the citizen read it. */
  purpose: string;
}

export const ConsentedOperationSchema = z
  .looseObject({
    type: z.literal(GRAPHQL_OPERATION),
    operation_hash: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256'),
    operation_name: z.string().min(1).nullable().default(null),
    scopes: z.array(z.string().min(1)),
    purpose: z.string().min(1),
  })
  .transform(({ type, operation_name, operation_hash, scopes, purpose }) => ({
    type,
    operation_name,
    operation_hash,
    scopes,
    purpose,
  }));

/** The claims the broker adds to the access token (oidc-provider's `extraTokenClaims`). */
export interface PivotTokenExtraClaims {
  /** The level of the sign-in that led to the code. */
  acr: AcrLevel;
  /** The validated pivot identity (lib/contracts/pivot-identity.ts). */
  pivot: PivotIdentity;
  /** The grant: what a revocation names (lib/contracts/revoked-grants.ts). */
  grant_id: string;
  /**
   * The broker's account id: the key of the citizen's history, and what the gateway derives
   * each provider's subject for the citizen from; never sent to a provider.
   */
  citizen_ref: string;
  /**
   * Present only when a representative acts under a mandate (docs/mandates.md): then `sub`,
   * `pivot` and `citizen_ref` are the MANDATOR's (whose data is read), and `act` names the
   * person acting (RFC 8693 style): their pairwise `sub` for the SP and account id.
   */
  act?: PivotTokenActor;
  /** The mandate acted under, with `act`: the gateway refuses what its domains do not cover, and after its end. */
  mandate?: PivotTokenMandate;
  /**
   * Present only when the person acts for a company (docs/companies.md): `sub`, `pivot` and
   * `citizen_ref` stay the PERSON's (who acts), and this names the company they act for, as
   * the broker checked it at sign-in (the register's legal representatives, or a company
   * mandate). Only company scopes (catalog `subject: "company"`) may then be granted, and
   * only without it may citizen scopes.
   */
  company?: PivotTokenCompany;
}

/** Why a person may act for a company: the register names them, or the company mandated them. */
export const COMPANY_ROLES = ['legal_representative', 'mandated'] as const;
export type CompanyRole = (typeof COMPANY_ROLES)[number];

export interface PivotTokenCompany {
  /** SIREN of the company (9 digits, checked: lib/contracts/company-identifiers.ts). */
  siren: string;
  /** SIRET of the establishment the person chose (14 digits, of that company). */
  siret: string;
  /** The company's name as the register gives it, for the consent page and the SP. */
  legal_name: string;
  role: CompanyRole;
  /** For a legal representative: the register's quality code (GERANT, PRESIDENT…). */
  function?: string;
  /** For a mandated person: the company mandate acted under. */
  mandate_id?: string;
}

/**
 * The broker's own `client_id` when it reads through the gateway for itself (the companies
 * a person represents, for "Pour quelle entreprise ?"), never a service provider's.
 */
export const BROKER_CLIENT_ID = 'passerelle';

export interface PivotTokenActor {
  /** The representative's pairwise subject for the SP (the `act.sub` of the ID token). */
  sub: string;
  /** The representative's broker account id: the key of their own history; never sent to a provider. */
  citizen_ref: string;
}

export interface PivotTokenMandate {
  id: string;
  domains: Domain[];
  /** End of the mandate, seconds since the epoch. */
  ends_at: number;
}

/**
 * The payload the gateway reads, once the signature, issuer, audience and times are
 * checked: `sub` (the pairwise subject), `client_id`, the extra claims above (all required), and the
 * consented operations among `authorization_details` (entries of other types are not ours).
 */
/**
 * Algorithms of the SPs' DPoP proofs (RFC 9449), at the broker's token endpoint and at the
 * gateway alike: asymmetric only, since a symmetric or `none` proof proves no key.
 */
export const DPOP_SIGNING_ALGS = ['ES256', 'PS256', 'EdDSA'] as const;

export const PivotTokenClaimsSchema = z.looseObject({
  sub: z.string().min(1),
  client_id: z.string().min(1),
  acr: AcrLevel,
  pivot: PivotIdentitySchema,
  grant_id: z.string().min(1),
  citizen_ref: z.string().min(1).max(256),
  jti: z.string().optional(),
  iat: z.number().int(),
  exp: z.number().int(),
  authorization_details: z.array(z.looseObject({ type: z.string() })).optional(),
  act: z.object({ sub: z.string().min(1), citizen_ref: z.string().min(1).max(256) }).optional(),
  mandate: z
    .object({ id: z.string().min(1).max(256), domains: z.array(DomainName).min(1), ends_at: z.number().int() })
    .optional(),
  company: z
    .object({
      siren: z.string().regex(/^\d{9}$/),
      siret: z.string().regex(/^\d{14}$/),
      legal_name: z.string().min(1).max(512),
      role: z.enum(COMPANY_ROLES),
      function: z.string().min(1).max(64).optional(),
      mandate_id: z.string().min(1).max(256).optional(),
    })
    .optional(),
  /** RFC 9449 §6.1: the SHA-256 thumbprint of the SP's DPoP key (checked apart, for its own code). */
  cnf: z.looseObject({ jkt: z.string().optional() }).optional(),
});
export type PivotTokenClaims = z.output<typeof PivotTokenClaimsSchema>;
