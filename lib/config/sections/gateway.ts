import { z } from 'zod';
import { DEFAULT_OPERATION_LIMITS as DEFAULTS } from '../../contracts/operation-limits.ts';
import { PROVIDER_TOKEN_MAX_LIFETIME_SECONDS } from '../../contracts/provider-token.ts';
import { Service, SecretRef, HttpUrl } from '../common.ts';

/** Verification of the pivot tokens service providers present (docs/tokens.md). */
const PivotTokenSettings = z.strictObject({
  /** Expected `iss`; defaults to the broker's issuer (`broker.issuer`, else `broker.url`). */
  issuer: HttpUrl.optional(),
  /** Where the broker publishes its public keys; defaults to `<issuer>/jwks` (oidc-provider's route). */
  jwksUri: HttpUrl.optional(),
  /** Longest lifetime (`exp - iat`) accepted, in seconds. */
  maxLifetimeSeconds: z.number().int().positive().max(3600).default(600),
  clockToleranceSeconds: z.number().int().min(0).max(60).default(5),
  /** Verified tokens kept in memory (by token value, until `exp`) so a reused token is not decrypted twice; 0 disables. */
  cacheSize: z.number().int().min(0).default(10_000),
}).prefault({});

/** Limits applied to service-provider traffic before anything else; all but the body's are `OperationLimits` (the broker applies them too). */
const LimitSettings = z.strictObject({
  /** HTTP request body, in bytes. */
  maxBodyBytes: z.number().int().positive().default(32_768),
  /** GraphQL document, in bytes. */
  maxDocumentBytes: z.number().int().positive().default(DEFAULTS.maxDocumentBytes),
  maxTokens: z.number().int().positive().default(DEFAULTS.maxTokens),
  maxDepth: z.number().int().positive().default(DEFAULTS.maxDepth),
  maxAliases: z.number().int().min(0).default(DEFAULTS.maxAliases),
  maxDirectives: z.number().int().min(0).default(DEFAULTS.maxDirectives),
}).prefault({});

/** How revoked grants reach the gateway (table `gateway.revoked_grants`, docs/tokens.md). */
const RevocationSettings = z.strictObject({
  pollIntervalMs: z.number().int().min(100).default(1000),
  /** Older than this, the revocation list is stale: requests are refused (503) until a poll succeeds. */
  maxStalenessMs: z.number().int().min(500).default(5000),
}).prefault({});

/** How the gateway records each exchange in the audit chain (group commit, gateway/exchange-events.ts). */
const AuditWriterSettings = z.strictObject({
  /** Events committed by one transaction at most (concurrent requests are grouped). */
  maxBatchSize: z.number().int().positive().max(5000).default(500),
  /** A write slower than this fails the request (503, no data) and is never committed. */
  writeTimeoutMs: z.number().int().positive().default(5000),
  /** Transactions in flight at once (connections of the gateway's audit pool). */
  concurrency: z.number().int().positive().max(16).default(2),
}).prefault({});

export const GatewaySection = z.strictObject({
  ...Service,
  /** `iss` of the internal tokens the gateway mints; defaults to `url`. */
  issuer: HttpUrl.optional(),
  /** Audience pivot tokens must carry (the RFC 8707 resource indicator of the gateway); defaults to `url`. */
  audience: z.string().min(1).optional(),
  /** Public JWKS of the gateway that data providers trust; defaults to `<url>/.well-known/jwks.json`. */
  jwksUri: HttpUrl.optional(),
  /** Private JWKS: ES256 signing keys (internal tokens) and ECDH-ES keys (pivot token decryption). */
  keys: SecretRef,
  /** Timeout of one subgraph fetch, after which that provider's part is null with an error. */
  providerTimeoutMs: z.number().int().positive().default(3000),
  /** Lifetime of the internal per-provider tokens. */
  providerTokenTtlSeconds: z.number().int().positive().max(PROVIDER_TOKEN_MAX_LIFETIME_SECONDS).default(30),
  pivotToken: PivotTokenSettings,
  limits: LimitSettings,
  revocation: RevocationSettings,
  audit: AuditWriterSettings,
});
export type GatewaySettings = z.output<typeof GatewaySection>;
