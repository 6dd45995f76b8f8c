import {
  defineErrors,
  type ComponentCatalog,
  type ErrorDefinition,
  type PasserelleError,
} from '../../lib/errors/define.ts';

/**
 * What can go wrong in any sandbox service provider, by kind: each SP names its codes
 * `<PREFIX>_<KIND>` (PARKING_CONSENT_REFUSED, BANK_CONSENT_REFUSED…) and words the message
 * for its own citizens; the status and the meaning are the same everywhere. The shared code
 * (broker-client.ts, gateway-client.ts, routes.ts, server.ts) raises kinds through the SP's
 * `Fail`, so each SP keeps its own catalog (docs/errors.md) without repeating the logic.
 */
export const FAILURES = {
  SIGN_IN_CANCELLED: {
    status: 400,
    description:
      'The citizen cancelled at the broker (chooser) or chose to go back to the service (`access_denied`, broker code SIGN_IN_CANCELLED).',
  },
  CONSENT_REFUSED: {
    status: 403,
    description:
      'The citizen refused the consent page (`access_denied` with a broker CONSENT_* code). No token was issued and nothing was read.',
  },
  IDENTITY_PROVIDER_FAILED: {
    status: 502,
    description:
      'The broker could not sign the citizen in with the identity provider (IDP_* or PIVOT_* code from the broker: the IdP refused, was unavailable, or sent an invalid identity).',
  },
  SIGN_IN_FAILED: {
    status: 502,
    description:
      'The broker refused the sign-in request or the code exchange (its error and code are shown); usually a configuration problem of the service.',
  },
  SIGN_IN_EXPIRED: {
    status: 400,
    description:
      'The callback came without a pending sign-in for this browser (cookie missing or expired, or already used), or its state did not match.',
  },
  BROKER_UNAVAILABLE: {
    status: 503,
    description: 'The broker (discovery, pushed authorization request or token endpoint) could not be reached in time.',
  },
  GATEWAY_UNAVAILABLE: {
    status: 503,
    description:
      'The gateway could not be reached in time or answered with a server error (its code is shown when it gave one).',
  },
  GATEWAY_REFUSED: {
    status: 502,
    description:
      'The gateway answered 4xx (its code is shown: an expired token, a document other than the consented one, ...).',
  },
  DATA_INCOMPLETE: {
    status: 502,
    description:
      'The gateway answered with GraphQL errors (a data provider failed or refused a field). A missing value is never read as "no data", so nothing is computed.',
  },
  DATA_INVALID: {
    status: 502,
    description: 'The gateway answered 200 with a body that is not the expected result of the operation.',
  },
  FORM_INVALID: {
    status: 403,
    description: 'A form was posted without the session’s anti-forgery token (or not as a form).',
  },
  PAGE_NOT_FOUND: { status: 404, description: 'No page at this address.' },
  INTERNAL_ERROR: {
    status: 500,
    description: 'A bug or an unexpected failure of the service; the log has the details.',
  },
} as const satisfies Record<string, Omit<ErrorDefinition, 'message'>>;

export type Failure = keyof typeof FAILURES;

/** Builds the SP's own error for a kind of failure (its code is `<PREFIX>_<KIND>`). */
export type Fail = (failure: Failure, details?: Record<string, unknown>) => PasserelleError;

/** An SP's error catalog, from its prefix and its messages; `fail` raises its errors by kind. */
export function defineServiceErrors<Prefix extends string>(
  component: string,
  prefix: Prefix,
  messages: Record<Failure, { fr: string; en: string }>,
): ComponentCatalog<`${Prefix}_${Failure}`> & { fail: Fail; kindOf(code: string): Failure | undefined } {
  const definitions = Object.fromEntries(
    (Object.keys(FAILURES) as Failure[]).map((kind) => [
      `${prefix}_${kind}`,
      { ...FAILURES[kind], message: messages[kind] },
    ]),
  ) as Record<`${Prefix}_${Failure}`, ErrorDefinition>;
  const catalog = defineErrors(component, definitions);
  return {
    ...catalog,
    fail: (kind, details) => catalog.error(`${prefix}_${kind}`, details),
    kindOf: (code) => {
      const kind = code.startsWith(`${prefix}_`) ? code.slice(prefix.length + 1) : '';
      return Object.hasOwn(FAILURES, kind) ? (kind as Failure) : undefined;
    },
  };
}
