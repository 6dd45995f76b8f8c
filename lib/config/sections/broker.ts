import { z } from 'zod';
import { Service, SecretRef, HttpUrl } from '../common.ts';

export const BrokerSection = z
  .strictObject({
    ...Service,
    issuer: HttpUrl.optional().describe('OpenID issuer identifier; default: `url`.'),
    keys: SecretRef.describe(
      'Private JWKS of the broker (ID token, pivot token and audit checkpoint signing); order = rotation state (auth/keys.ts, docs/broker.md).',
    ),
    pairwiseSecret: SecretRef.describe(
      'Server secret mixed into pairwise subjects and account ids (auth/pairwise.ts); changing it changes every `sub`.',
    ),
    cookieKeys: SecretRef.describe(
      "Keys signing the broker's cookies, as a JSON list (the first one signs, all verify).",
    ),
    accessTokenTtlSeconds: z
      .number()
      .int()
      .positive()
      .max(600)
      .default(60)
      .describe('Lifetime of pivot tokens (the access tokens for the gateway).'),
    codeTtlSeconds: z.number().int().positive().max(600).default(60).describe('Lifetime of authorization codes.'),
    idTokenTtlSeconds: z.number().int().positive().max(3600).default(300).describe('Lifetime of ID tokens.'),
    interactionTtlSeconds: z
      .number()
      .int()
      .positive()
      .max(3600)
      .default(600)
      .describe('Lifetime of a sign-in interaction (chooser, trip to the IdP).'),
    sessionTtlSeconds: z
      .number()
      .int()
      .positive()
      .max(86400)
      .default(1800)
      .describe('Lifetime of a broker session (single sign-on between service providers).'),
    gatewayEncryptionKeys: SecretRef.describe(
      'The gateway\'s public JWKS (a file reference): pivot tokens are encrypted to its first `use: "enc"`, `alg: "ECDH-ES"` key ' +
        '(docs/tokens.md). Private members, if the file holds any (the sandbox pair), are dropped.',
    ),
    idpTimeoutMs: z
      .number()
      .int()
      .positive()
      .max(60000)
      .default(5000)
      .describe('Timeout of one request to an identity provider (discovery, token, userinfo).'),
    idpProbeIntervalMs: z
      .number()
      .int()
      .min(100)
      .max(600000)
      .default(5000)
      .describe(
        'How often the broker checks that each enabled identity provider answers (a GET of its discovery document, auth/idp/availability.ts). One that does not is shown unavailable on the chooser and never redirected to, until a check answers again.',
      ),
    idpProbeTimeoutMs: z
      .number()
      .int()
      .positive()
      .max(60000)
      .default(2000)
      .describe(
        'How long one availability check of an identity provider may take. A check that times out is made again at once (a stalled broker times healthy IdPs out too); a hanging IdP is marked unavailable after two in a row.',
      ),
    dashboard: z
      .strictObject({
        clientSecret: SecretRef.optional().describe(
          "Secret of the dashboard's own OpenID client at the broker. Absent: derived from `pairwiseSecret` (HMAC), so no extra secret has to be managed.",
        ),
        sessionIdleSeconds: z
          .number()
          .int()
          .min(60)
          .max(3600)
          .default(900)
          .describe('A dashboard session ends after this long without a request.'),
        sessionMaxSeconds: z
          .number()
          .int()
          .min(300)
          .max(86400)
          .default(7200)
          .describe('A dashboard session ends this long after sign-in, whatever the activity.'),
        pageSize: z.number().int().min(5).max(100).default(20).describe('Events per history page.'),
      })
      .prefault({})
      .describe("The citizen's dashboard (`/mon-compte`, auth/dashboard/, docs/dashboard.md)."),
    accessibility: z
      .strictObject({
        entity: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('The public body operating this instance, named in the accessibility statement.'),
        contact: z
          .string()
          .max(300)
          .refine(
            (value) => /^https:\/\/\S+$/.test(value) || /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value),
            'an e-mail address or an https:// URL',
          )
          .optional()
          .describe('Where citizens report an accessibility problem: an e-mail address or an https:// page.'),
      })
      .prefault({})
      .describe(
        'Who answers for this instance in its accessibility statement (`/accessibilite`, RGAA; docs/accessibility.md).',
      ),
  })
  .describe(
    'The broker (auth/): OpenID provider of the service providers, relying party of the identity providers (docs/broker.md).',
  );
