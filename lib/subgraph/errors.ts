import { defineErrors } from '../errors/define.ts';

/**
 * Errors a data provider (subgraph) returns. Token errors are HTTP 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` and nothing resolved; the others
 * are GraphQL errors at a path (`FORBIDDEN`, `PROVIDER_CITIZEN_MISMATCH`, ...) or
 * plain HTTP errors of the endpoint itself.
 */
export const subgraphErrors = defineErrors('subgraph', {
  PROVIDER_TOKEN_MISSING: {
    status: 401,
    message: { fr: 'Jeton d’accès interne absent.', en: 'The internal access token is missing.' },
    description:
      'The request has no `Authorization: Bearer` header. Data providers only answer the gateway, which sends a token with every request.',
  },
  PROVIDER_TOKEN_MALFORMED: {
    status: 401,
    message: {
      fr: 'Jeton d’accès interne illisible.',
      en: 'The internal access token is not a well-formed signed JWT.',
    },
    description: 'The bearer value is not a compact JWS with a JSON payload.',
  },
  PROVIDER_TOKEN_ALGORITHM_REFUSED: {
    status: 401,
    message: { fr: 'Algorithme de signature du jeton refusé.', en: 'The token signature algorithm is not accepted.' },
    description: 'Only ES256 is accepted: `alg: none`, symmetric and other algorithms are refused.',
  },
  PROVIDER_TOKEN_SIGNATURE_INVALID: {
    status: 401,
    message: { fr: 'Signature du jeton invalide.', en: 'The token signature is invalid.' },
    description:
      'The signature does not verify with any key of the gateway JWKS, or the token names a key (`kid`) the gateway does not publish.',
  },
  PROVIDER_TOKEN_TYPE_INVALID: {
    status: 401,
    message: { fr: 'Type de jeton inattendu.', en: 'The token is not an internal provider token.' },
    description:
      'The JWT header `typ` is not `passerelle-dp+jwt`: another kind of token (an ID token, a pivot token) was sent.',
  },
  PROVIDER_TOKEN_ISSUER_INVALID: {
    status: 401,
    message: { fr: 'Émetteur du jeton inconnu.', en: 'The token was not issued by the gateway.' },
    description: '`iss` is not the configured gateway issuer (`gateway.issuer`, default `gateway.url`).',
  },
  PROVIDER_TOKEN_AUDIENCE_INVALID: {
    status: 401,
    message: {
      fr: 'Ce jeton est destiné à un autre fournisseur de données.',
      en: 'The token is meant for another data provider.',
    },
    description:
      '`aud` is not this provider’s audience (`dataProviders[].audience`, default `urn:passerelle:dp:<name>`).',
  },
  PROVIDER_TOKEN_EXPIRED: {
    status: 401,
    message: { fr: 'Jeton expiré.', en: 'The token has expired.' },
    description: '`exp` is in the past (5 s clock tolerance). Internal tokens live about 30 seconds.',
  },
  PROVIDER_TOKEN_NOT_YET_VALID: {
    status: 401,
    message: { fr: 'Jeton émis dans le futur.', en: 'The token is not valid yet.' },
    description: '`iat` or `nbf` is in the future beyond the 5 s clock tolerance: check the clocks.',
  },
  PROVIDER_TOKEN_LIFETIME_TOO_LONG: {
    status: 401,
    message: { fr: 'Durée de vie du jeton trop longue.', en: 'The token lifetime is too long.' },
    description: 'An internal token may live at most 120 seconds (`exp - iat`).',
  },
  PROVIDER_TOKEN_CLAIMS_INVALID: {
    status: 401,
    message: { fr: 'Jeton incomplet ou incohérent.', en: 'The token claims are missing or invalid.' },
    description:
      '`sub`, `pivot` or `scope` is missing, or the pivot identity is not well formed (e.g. born in France without a birthplace). `details.claim` names it.',
  },
  PROVIDER_JWKS_UNAVAILABLE: {
    status: 503,
    message: { fr: 'Clés de la passerelle indisponibles.', en: 'The gateway keys cannot be fetched.' },
    description:
      'The gateway JWKS (`gateway.jwksUri`) did not answer with a key set, so no token can be verified. Retry; check the gateway is up.',
  },
  FORBIDDEN: {
    status: 403,
    message: {
      fr: 'Donnée non autorisée par le consentement.',
      en: 'This field needs a scope the citizen did not grant.',
    },
    description:
      'GraphQL error at the path of a field whose `@scope` is not in the token’s `scope`: no value is returned for it (defence in depth behind the gateway). `extensions.scopes` lists the scopes that would allow it.',
  },
  PROVIDER_ACR_TOO_LOW: {
    status: 403,
    message: {
      fr: 'Niveau d’authentification insuffisant pour cette donnée.',
      en: 'This field needs a stronger sign-in (eIDAS level).',
    },
    description:
      'GraphQL error at the path of a field whose granted scope has a `minAcr` (provider catalog) above the token’s `acr`: no value is returned (defence in depth behind the gateway). `extensions.scopes` lists the granted scopes concerned.',
  },
  PROVIDER_CITIZEN_MISMATCH: {
    status: 403,
    message: {
      fr: 'Ce citoyen n’est pas celui du jeton.',
      en: 'This entity reference is not the citizen of the token.',
    },
    description:
      'An `_entities` representation names a `Citizen.id` other than the token’s `sub`: a provider only answers about the citizen the token designates.',
  },
  PROVIDER_COMPANY_MISMATCH: {
    status: 403,
    message: {
      fr: 'Cette entreprise n’est pas celle du jeton.',
      en: 'This entity reference is not the company of the token.',
    },
    description:
      'An `_entities` representation names a `Company.siren` other than the token’s `company.siren`, or the token was not issued for a company: a provider only answers about the company the person acts for (docs/companies.md).',
  },
  PROVIDER_CITIZEN_AMBIGUOUS: {
    status: 409,
    message: {
      fr: 'Plusieurs dossiers correspondent à cette identité.',
      en: 'Several registry records match this identity.',
    },
    description:
      'The pivot identity matches more than one record of the registry: nothing is returned rather than a guess. The provider must correct its registry.',
  },
  PROVIDER_INTERNAL_ERROR: {
    status: 500,
    message: { fr: 'Erreur interne du fournisseur de données.', en: 'Internal error of the data provider.' },
    description: 'An unexpected failure (database, bug). Logged with the request id; no detail is returned.',
  },
  PROVIDER_NOT_FOUND: {
    status: 404,
    message: { fr: 'Adresse inconnue.', en: 'Unknown path.' },
    description: 'A data provider serves GraphQL at `/` and `/graphql`, and `/health/live`, `/health/ready`.',
  },
  PROVIDER_METHOD_NOT_ALLOWED: {
    status: 405,
    message: { fr: 'Méthode HTTP non prise en charge.', en: 'HTTP method not allowed.' },
    description: 'The GraphQL endpoint accepts POST only.',
  },
  PROVIDER_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: { fr: 'Le corps doit être du JSON.', en: 'The request body must be application/json.' },
    description: 'GraphQL requests are JSON bodies (`Content-Type: application/json`).',
  },
  PROVIDER_INVALID_JSON: {
    status: 400,
    message: { fr: 'Corps JSON invalide.', en: 'The request body is not valid JSON.' },
    description: 'The body could not be parsed as JSON.',
  },
  PROVIDER_REQUEST_TOO_LARGE: {
    status: 413,
    message: { fr: 'Requête trop volumineuse.', en: 'The request body is too large.' },
    description: 'The body exceeds the limit (1 MiB); gateway requests are a few kilobytes.',
  },
  PROVIDER_DATABASE_UNAVAILABLE: {
    status: 503,
    message: { fr: 'Base de données indisponible.', en: 'The database is unavailable.' },
    description: 'The readiness probe could not query the provider’s database.',
  },
});

export type SubgraphErrorCode = keyof typeof subgraphErrors.errors;
