import { defineErrors } from '../errors/define.ts';

/**
 * Every refusal or failure the gateway returns: a contract, as service providers read
 * these codes and the citizen's dashboard shows their messages for the exchanges of its
 * history (the `errorCodes` of lib/contracts/exchange-event.ts). Pivot-token errors are 401 with a
 * `WWW-Authenticate: Bearer error="invalid_token"` header (RFC 6750); consent errors
 * are 403 and reach no provider; provider errors appear in the GraphQL `errors` of a
 * partial response. Messages never carry token contents or personal data.
 */
export const gatewayErrors = defineErrors('gateway', {
  // --- the HTTP request ---
  REQUEST_METHOD_NOT_ALLOWED: {
    status: 405,
    message: { fr: 'Seule la méthode POST est acceptée.', en: 'Only POST is accepted.' },
    description: 'The GraphQL endpoint accepts POST with a JSON body only (no GET: no operation in URLs or logs).',
  },
  REQUEST_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: {
      fr: 'Le corps de la requête doit être du JSON (application/json).',
      en: 'The request body must be JSON (application/json).',
    },
    description:
      'Send `Content-Type: application/json`, without a `charset` or with `charset=utf-8` (`details.charset` names a refused one).',
  },
  REQUEST_BODY_TOO_LARGE: {
    status: 413,
    message: { fr: 'Le corps de la requête est trop volumineux.', en: 'The request body is too large.' },
    description: 'The body exceeds `gateway.limits.maxBodyBytes`.',
  },
  REQUEST_BODY_TIMEOUT: {
    status: 408,
    message: {
      fr: "Le corps de la requête n'est pas arrivé à temps.",
      en: 'The request body did not arrive in time.',
    },
    description:
      'The whole body was not received within `gateway.limits.bodyTimeoutMs` of its headers; the connection is closed.',
  },
  REQUEST_BODY_INVALID: {
    status: 400,
    message: {
      fr: "Le corps de la requête n'est pas une requête GraphQL valide.",
      en: 'The request body is not a valid GraphQL request.',
    },
    description:
      'The body must be strict UTF-8 JSON, an object with a non-empty string `query`, optional string `operationName` and object `variables`, nested 32 levels at most, and no NUL character anywhere; `details.reason` says what is wrong.',
  },
  REQUEST_PERSISTED_QUERY_NOT_ALLOWED: {
    status: 400,
    message: {
      fr: 'Les requêtes persistées ne sont pas acceptées : envoyez le document.',
      en: 'Persisted queries are not accepted: send the document.',
    },
    description:
      'The body carries `extensions.persistedQuery` (automatic persisted queries), with or without `query`. A consent names a document; send it in `query` without the extension.',
  },
  REQUEST_VARIABLES_UNDECLARED: {
    status: 400,
    message: {
      fr: "La requête donne des variables que l'opération ne déclare pas.",
      en: 'The request gives variables the operation does not declare.',
    },
    description:
      '`variables` holds names the operation does not declare (`details.variables`, the first ten; `details.count`). GraphQL would ignore them; the gateway refuses them rather than carry them.',
  },
  REQUEST_VARIABLES_INVALID: {
    status: 400,
    message: {
      fr: "Les variables de la requête ne correspondent pas à celles que l'opération déclare.",
      en: 'The request variables do not match the ones the operation declares.',
    },
    description:
      'A declared variable is missing, null for a non-null type, or of the wrong type (`details.problems`). Nothing was sent to any provider.',
  },
  REQUEST_BATCHING_NOT_ALLOWED: {
    status: 400,
    message: { fr: 'Les requêtes groupées ne sont pas acceptées.', en: 'Batched requests are not accepted.' },
    description: 'A JSON array of operations was sent; send one operation per request, each with its own consent.',
  },
  // --- the pivot token (401) ---
  PIVOT_TOKEN_MISSING: {
    status: 401,
    message: { fr: 'Jeton pivot absent.', en: 'Missing pivot token.' },
    description: 'Send the access token from the broker as `Authorization: DPoP <token>` with a `DPoP` proof header.',
  },
  PIVOT_TOKEN_MALFORMED: {
    status: 401,
    message: { fr: "Le jeton pivot n'est pas un JWT lisible.", en: 'The pivot token is not a readable JWT.' },
    description: 'The token is not a compact JWE/JWS, or a header or payload is not JSON.',
  },
  PIVOT_TOKEN_NOT_ENCRYPTED: {
    status: 401,
    message: {
      fr: "Le jeton pivot n'est pas chiffré pour la passerelle.",
      en: 'The pivot token is not encrypted to the gateway.',
    },
    description:
      'Pivot tokens are nested JWTs: a JWS encrypted to the gateway (JWE, ECDH-ES / A256GCM). A bare JWS would expose the pivot identity to the service provider.',
  },
  PIVOT_TOKEN_UNDECRYPTABLE: {
    status: 401,
    message: {
      fr: 'Le jeton pivot ne peut pas être déchiffré par la passerelle.',
      en: 'The gateway cannot decrypt the pivot token.',
    },
    description: 'Wrong key-management or content-encryption algorithm, unknown `kid`, or a damaged ciphertext.',
  },
  PIVOT_TOKEN_ALG_NOT_ALLOWED: {
    status: 401,
    message: {
      fr: "L'algorithme de signature du jeton pivot n'est pas accepté.",
      en: 'The pivot token signature algorithm is not accepted.',
    },
    description: 'Only ES256 is accepted (never `none`, never a symmetric algorithm).',
  },
  PIVOT_TOKEN_TYPE_INVALID: {
    status: 401,
    message: {
      fr: "Le jeton pivot n'est pas un jeton d'accès JWT (at+jwt).",
      en: 'The pivot token is not a JWT access token (at+jwt).',
    },
    description: 'The signed token must have `typ: at+jwt` (RFC 9068) and the JWE `cty: at+jwt`.',
  },
  PIVOT_TOKEN_ISSUER_UNKNOWN: {
    status: 401,
    message: {
      fr: "L'émetteur du jeton pivot n'est pas le courtier.",
      en: 'The pivot token was not issued by the broker.',
    },
    description: 'The `iss` claim is not the configured broker issuer.',
  },
  PIVOT_TOKEN_SIGNATURE_INVALID: {
    status: 401,
    message: { fr: 'La signature du jeton pivot est invalide.', en: 'The pivot token signature is invalid.' },
    description:
      'The signature does not verify with any key the broker publishes (keys are refetched once on an unknown `kid`).',
  },
  PIVOT_TOKEN_AUDIENCE_INVALID: {
    status: 401,
    message: {
      fr: "Le jeton pivot n'est pas destiné à la passerelle.",
      en: 'The pivot token is not meant for the gateway.',
    },
    description: 'The `aud` claim is not the gateway audience (`gateway.audience`).',
  },
  PIVOT_TOKEN_EXPIRED: {
    status: 401,
    message: { fr: 'Le jeton pivot a expiré.', en: 'The pivot token has expired.' },
    description:
      '`exp` is in the past (clock tolerance `gateway.pivotToken.clockToleranceSeconds`). Get a new token from the broker.',
  },
  PIVOT_TOKEN_NOT_YET_VALID: {
    status: 401,
    message: { fr: "Le jeton pivot n'est pas encore valide.", en: 'The pivot token is not valid yet.' },
    description: '`nbf` or `iat` is in the future beyond the clock tolerance.',
  },
  PIVOT_TOKEN_CLAIMS_INVALID: {
    status: 401,
    message: {
      fr: 'Le jeton pivot ne contient pas les informations attendues.',
      en: 'The pivot token does not carry the expected claims.',
    },
    description:
      'A required claim is missing or invalid (`details.claims` names them), or the lifetime exceeds `gateway.pivotToken.maxLifetimeSeconds`.',
  },
  PIVOT_TOKEN_NOT_SENDER_CONSTRAINED: {
    status: 401,
    message: {
      fr: "Le jeton pivot n'est lié à aucune clé (DPoP).",
      en: 'The pivot token is not bound to a key (DPoP).',
    },
    description:
      "The token has no `cnf.jkt`: the gateway only accepts pivot tokens bound to the SP's DPoP key (RFC 9449), so a copied token is useless. Redeem the code with a `DPoP` proof at the broker's token endpoint.",
  },
  PIVOT_TOKEN_BEARER_NOT_ALLOWED: {
    status: 401,
    message: {
      fr: 'Un jeton lié à une clé doit être présenté avec le schéma DPoP.',
      en: 'A key-bound token must be presented with the DPoP scheme.',
    },
    description:
      'Send `Authorization: DPoP <token>` with a `DPoP` proof header; `Authorization: Bearer` is refused for pivot tokens (RFC 9449 §7.1: a bound token sent as a bearer token would downgrade the binding).',
  },
  DPOP_PROOF_MISSING: {
    status: 401,
    message: { fr: 'Preuve DPoP absente.', en: 'Missing DPoP proof.' },
    description: 'A key-bound token needs one `DPoP` header carrying a proof signed by the bound key.',
  },
  DPOP_PROOF_INVALID: {
    status: 401,
    message: { fr: 'La preuve DPoP est invalide.', en: 'The DPoP proof is invalid.' },
    description:
      'Wrong `typ` (not `dpop+jwt`), an algorithm outside the allow-list, a `jwk` that is missing or carries private parts, a bad signature, `htm` not POST, `htu` not the gateway URL, `iat` outside the window (`details.reason` says which), or `ath` not the hash of the token.',
  },
  DPOP_PROOF_REPLAYED: {
    status: 401,
    message: { fr: 'Cette preuve DPoP a déjà été utilisée.', en: 'This DPoP proof was already used.' },
    description:
      'A proof is single use: its `jti` was already seen by a gateway process. Sign a fresh proof per request.',
  },
  DPOP_REPLAY_CHECK_UNAVAILABLE: {
    status: 503,
    message: {
      fr: 'La passerelle ne peut pas vérifier la preuve DPoP pour le moment.',
      en: 'The gateway cannot check the DPoP proof right now.',
    },
    description:
      'The database that records used proof ids (single use across gateway processes) did not answer within `gateway.dpopReplayCheckTimeoutMs`. Nothing was served; retry with a new proof.',
  },
  DPOP_KEY_MISMATCH: {
    status: 401,
    message: {
      fr: "La preuve DPoP n'est pas signée par la clé liée au jeton.",
      en: 'The DPoP proof is not signed by the key bound to the token.',
    },
    description: 'The SHA-256 thumbprint of the proof `jwk` differs from the token `cnf.jkt`.',
  },
  GRANT_REVOKED: {
    status: 401,
    message: { fr: 'Le citoyen a retiré son consentement.', en: 'The citizen revoked this consent.' },
    description:
      "The token's `grant_id` is in `gateway.revoked_grants`; a revocation takes effect within `gateway.revocation.pollIntervalMs`.",
  },
  MANDATE_EXPIRED: {
    status: 401,
    message: {
      fr: 'Le mandat sous lequel ce consentement a été donné a pris fin.',
      en: 'The mandate this consent was given under has ended.',
    },
    description:
      'The token was issued to a representative under a mandate (`mandate` claim, docs/mandates.md) whose end (`mandate.ends_at`) has passed. A mandate ended early by either person revokes its grants instead (GRANT_REVOKED). Nothing was sent to any provider.',
  },
  BROKER_KEYS_UNAVAILABLE: {
    status: 503,
    message: {
      fr: 'Les clés du courtier sont momentanément indisponibles.',
      en: "The broker's keys are unavailable for now.",
    },
    description:
      'The broker JWKS could not be fetched to verify a token signed with a key the gateway has not seen yet. Retry later.',
  },
  REVOCATION_LIST_STALE: {
    status: 503,
    message: {
      fr: 'La liste des consentements retirés est momentanément indisponible.',
      en: 'The list of revoked consents is unavailable for now.',
    },
    description:
      'The gateway could not read `gateway.revoked_grants` for longer than `gateway.revocation.maxStalenessMs`; it refuses rather than serve a possibly revoked consent.',
  },
  // --- consent (403) ---
  CONSENT_REQUIRED: {
    status: 403,
    message: { fr: "Le citoyen n'a pas consenti à cette requête.", en: 'The citizen did not consent to this request.' },
    description:
      'The document is not one the token consents to (`details.reason: operation`), or it reads fields whose scopes are not granted (`details.fields`: path, coordinate, scopes). Nothing was sent to any provider.',
  },
  MANDATE_DOMAIN_NOT_COVERED: {
    status: 403,
    message: {
      fr: 'Le mandat du représentant ne couvre pas toutes les données de cette requête.',
      en: "The representative's mandate does not cover all the data of this request.",
    },
    description:
      "A representative's token (`act`, `mandate`): the consented operation has scopes whose catalog `domain` is not among the mandate's domains (`details.missing`). The broker never grants such an operation; the gateway checks again. Nothing was sent to any provider.",
  },
  COMPANY_TOKEN_REQUIRED: {
    status: 403,
    message: {
      fr: 'Ces données concernent une entreprise : la connexion doit être faite pour le compte de l’entreprise.',
      en: 'This data is about a company: the sign-in must be made on behalf of the company.',
    },
    description:
      'The consented operation has company scopes (catalog `subject: "company"`, `details.scopes`) but the token was not issued for a company (no `company` claim, docs/companies.md). The broker never grants such an operation; the gateway checks again. Nothing was sent to any provider.',
  },
  CITIZEN_TOKEN_REQUIRED: {
    status: 403,
    message: {
      fr: 'Ces données concernent la personne elle-même : elles ne peuvent pas être lues pour le compte d’une entreprise.',
      en: 'This data is about the person themselves: it cannot be read on behalf of a company.',
    },
    description:
      'The token was issued for a company (`company` claim, docs/companies.md) but the consented operation has citizen scopes (`details.scopes`): a company token reads only company data. The broker never grants such an operation; the gateway checks again. Nothing was sent to any provider.',
  },
  CONSENT_ACR_TOO_LOW: {
    status: 403,
    message: {
      fr: "Le niveau d'authentification est insuffisant pour certaines données.",
      en: 'The sign-in level is too low for some of the data.',
    },
    description:
      'Some fields need a higher eIDAS level than the token `acr` (`details.fields` with their `minAcr`). Sign the citizen in again at that level. Nothing was sent to any provider.',
  },
  // --- the service provider's quotas (429, lib/quota/) ---
  RATE_LIMIT_EXCEEDED: {
    status: 429,
    message: {
      fr: 'Ce service envoie trop de requêtes par seconde ; réessayez dans un instant.',
      en: 'This service sends too many requests per second; retry in a moment.',
    },
    description:
      'The service provider went over its `quotas.gatewayRequestsPerSecond`, counted across every gateway process. `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers) give the policy and its state, `Retry-After` the seconds until the window resets. Checked once the pivot token is verified; nothing was sent to any provider.',
  },
  DAILY_QUOTA_EXCEEDED: {
    status: 429,
    message: {
      fr: 'Ce service a atteint son quota quotidien pour cette opération.',
      en: 'This service has used up its daily quota for this operation.',
    },
    description:
      'The service provider went over its `quotas.gatewayRequestsPerDayPerOperation` for this operation (its document hash) in the current UTC day. `Retry-After` gives the seconds until midnight UTC. Checked once consent is; nothing was sent to any provider.',
  },
  // --- providers (in GraphQL errors; the rest of the response is served) ---
  DATA_PROVIDER_UNAVAILABLE: {
    status: 502,
    message: { fr: 'Un fournisseur de données est injoignable.', en: 'A data provider is unreachable.' },
    description: 'The connection to the provider failed; its fields are null and `extensions.provider` names it.',
  },
  DATA_PROVIDER_TIMEOUT: {
    status: 504,
    message: {
      fr: "Un fournisseur de données n'a pas répondu à temps.",
      en: 'A data provider did not answer in time.',
    },
    description:
      'The provider did not answer within `gateway.providerTimeoutMs`; its fields are null and `extensions.provider` names it.',
  },
  DATA_PROVIDER_ERROR: {
    status: 502,
    message: { fr: 'Un fournisseur de données a renvoyé une erreur.', en: 'A data provider answered with an error.' },
    description:
      'The provider answered with an HTTP error (`details.status`) or an unreadable body; its fields are null.',
  },
  // --- the gateway itself ---
  EXCHANGE_LOG_UNAVAILABLE: {
    status: 503,
    message: {
      fr: "L'échange n'a pas pu être journalisé ; aucune donnée n'est transmise.",
      en: 'The exchange could not be logged; no data is returned.',
    },
    description:
      'Every exchange is recorded in the audit chain before the response leaves; when it cannot be recorded within `gateway.audit.writeTimeoutMs` (database down, a shard head held), the data is withheld and the event is never committed later.',
  },
  GATEWAY_NOT_READY: {
    status: 503,
    message: {
      fr: 'La passerelle démarre ; réessayez dans un instant.',
      en: 'The gateway is starting; retry in a moment.',
    },
    description: 'The supergraph is not loaded yet.',
  },
  GATEWAY_ROUTE_NOT_FOUND: {
    status: 404,
    message: { fr: "Cette adresse n'existe pas sur la passerelle.", en: 'No such route on the gateway.' },
    description:
      'The gateway serves `/graphql`, `/.well-known/jwks.json`, `/health/live`, `/health/ready` and `/metrics`.',
  },
  GATEWAY_INTERNAL_ERROR: {
    status: 500,
    message: { fr: 'Erreur interne de la passerelle.', en: 'Internal gateway error.' },
    description: 'An unexpected failure; the request id in the logs tells what happened.',
  },
});

export type GatewayErrorCode = keyof typeof gatewayErrors.errors;
