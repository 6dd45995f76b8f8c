import { z } from 'zod';
import { DEFAULT_OPERATION_LIMITS as DEFAULTS } from '../../contracts/operation-limits.ts';
import { PROVIDER_TOKEN_MAX_LIFETIME_SECONDS } from '../../contracts/provider-token.ts';
import { Service, SecretRef, HttpUrl } from '../common.ts';

const PivotTokenSettings = z
  .strictObject({
    issuer: HttpUrl.optional().describe(
      "Expected `iss`; default: the broker's issuer (`broker.issuer`, else `broker.url`).",
    ),
    jwksUri: HttpUrl.optional().describe(
      "Where the broker publishes its public keys; default: `<issuer>/jwks` (oidc-provider's route).",
    ),
    maxLifetimeSeconds: z
      .number()
      .int()
      .positive()
      .max(3600)
      .default(600)
      .describe('Longest lifetime (`exp - iat`) accepted, in seconds.'),
    clockToleranceSeconds: z
      .number()
      .int()
      .min(0)
      .max(60)
      .default(5)
      .describe('Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.'),
    cacheSize: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe(
        'Verified tokens kept in memory (by token value, until `exp`) so a reused token is not decrypted twice; 0 disables.',
      ),
  })
  .prefault({})
  .describe('Verification of the pivot tokens service providers present (docs/tokens.md).');

const LimitSettings = z
  .strictObject({
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(32_768)
      .describe('HTTP request body, in bytes (413 `REQUEST_BODY_TOO_LARGE`).'),
    bodyTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Time to receive the whole request body once its headers are in (408 `REQUEST_BODY_TIMEOUT`).'),
    headersTimeoutMs: z
      .number()
      .int()
      .min(100)
      .default(10_000)
      .describe(
        'Time to receive the request headers; past it Node answers 408 and closes the connection (checked every second at most).',
      ),
    maxDocumentBytes: z
      .number()
      .int()
      .positive()
      .default(DEFAULTS.maxDocumentBytes)
      .describe(
        'GraphQL document, in bytes (400 `OPERATION_TOO_LARGE`); also the largest document a service provider may ask consent for.',
      ),
    maxTokens: z
      .number()
      .int()
      .positive()
      .default(DEFAULTS.maxTokens)
      .describe('Lexical tokens of a document (400 `OPERATION_TOO_MANY_TOKENS`, graphql-js parser limit).'),
    maxDepth: z
      .number()
      .int()
      .positive()
      .default(DEFAULTS.maxDepth)
      .describe('Selection depth, a fragment spread counting as a level (400 `OPERATION_TOO_DEEP`).'),
    maxAliases: z
      .number()
      .int()
      .min(0)
      .default(DEFAULTS.maxAliases)
      .describe('Aliases in a document (400 `OPERATION_TOO_MANY_ALIASES`).'),
    maxDirectives: z
      .number()
      .int()
      .min(0)
      .default(DEFAULTS.maxDirectives)
      .describe('Directives in a document (400 `OPERATION_TOO_MANY_DIRECTIVES`).'),
  })
  .prefault({})
  .describe(
    'Limits applied to service-provider traffic before anything else; all but the HTTP ones (body, timeouts) are the `OperationLimits` (lib/contracts/operation-limits.ts) the broker applies to the operations it is asked consent for (docs/gateway.md).',
  );

const RevocationSettings = z
  .strictObject({
    pollIntervalMs: z
      .number()
      .int()
      .min(100)
      .default(1000)
      .describe('How often each gateway reads the recently revoked grants.'),
    maxStalenessMs: z
      .number()
      .int()
      .min(500)
      .default(5000)
      .describe(
        'Older than this, the revocation list is stale: requests are refused (503 `REVOCATION_LIST_STALE`) until a poll succeeds.',
      ),
  })
  .prefault({})
  .describe('How revoked grants reach the gateway (table `gateway.revoked_grants`, docs/tokens.md).');

const AuditWriterSettings = z
  .strictObject({
    maxBatchSize: z
      .number()
      .int()
      .positive()
      .max(5000)
      .default(500)
      .describe('Events committed by one transaction at most (concurrent requests are grouped).'),
    writeTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(5000)
      .describe(
        'A write slower than this fails the request (503 `EXCHANGE_LOG_UNAVAILABLE`, no data) and is never committed.',
      ),
    concurrency: z
      .number()
      .int()
      .positive()
      .max(16)
      .default(2)
      .describe("Transactions in flight at once (connections of the gateway's audit pool)."),
  })
  .prefault({})
  .describe(
    'How the gateway records each exchange in the audit chain (group commit, gateway/exchange-events.ts, docs/audit.md).',
  );

export const GatewaySection = z
  .strictObject({
    ...Service,
    issuer: HttpUrl.optional().describe('`iss` of the internal tokens the gateway mints; default: `url`.'),
    audience: z
      .string()
      .min(1)
      .optional()
      .describe('Audience pivot tokens must carry (the RFC 8707 resource indicator of the gateway); default: `url`.'),
    jwksUri: HttpUrl.optional().describe(
      'Public JWKS of the gateway that data providers trust; default: `<url>/.well-known/jwks.json`.',
    ),
    keys: SecretRef.describe(
      'Private JWKS: ES256 signing keys (internal tokens) and ECDH-ES keys (pivot token decryption).',
    ),
    providerSubjectSecret: SecretRef.describe(
      "Server secret of each data provider's own identifier for a citizen, the `sub` of its internal tokens (HMAC of the provider and the broker's account id, gateway/provider-subject.ts); changing it changes every provider's identifiers.",
    ),
    providerTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(3000)
      .describe("Timeout of one subgraph fetch, after which that provider's part is null with an error."),
    providerTokenTtlSeconds: z
      .number()
      .int()
      .positive()
      .max(PROVIDER_TOKEN_MAX_LIFETIME_SECONDS)
      .default(30)
      .describe('Lifetime of the internal per-provider tokens.'),
    dpopReplayCheckTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe(
        "Longest wait for the database to record a DPoP proof's `jti` (single use across gateway processes); past it, or with the database down, the request is refused (503 `DPOP_REPLAY_CHECK_UNAVAILABLE`).",
      ),
    pivotToken: PivotTokenSettings,
    limits: LimitSettings,
    revocation: RevocationSettings,
    audit: AuditWriterSettings,
  })
  .describe(
    'The data-exchange gateway (gateway/): the only door to the data providers for service providers (docs/gateway.md).',
  );
export type GatewaySettings = z.output<typeof GatewaySection>;
