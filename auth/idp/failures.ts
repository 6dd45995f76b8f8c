import * as oidc from 'openid-client';
import { isPasserelleError, type PasserelleError } from '../../lib/errors/define.ts';
import { brokerErrors } from '../errors.ts';

/**
 * Maps whatever went wrong while talking to an identity provider to one of our
 * codes: the IdP could not be reached or failed (network, timeout, 5xx):
 * IDP_UNAVAILABLE; it said no (error in the callback): IDP_AUTHENTICATION_FAILED;
 * anything it answered that does not validate: IDP_RESPONSE_INVALID.
 * Details carry names and codes, never tokens or claim values.
 */
export function classifyIdpError(error: unknown, idp: string): PasserelleError {
  if (isPasserelleError(error)) return error;
  if (error instanceof oidc.AuthorizationResponseError) {
    return brokerErrors.error('IDP_AUTHENTICATION_FAILED', { idp, idpError: error.error }, error);
  }
  const status = httpStatusIn(error);
  if (isNetworkFailure(error) || (status !== undefined && status >= 500)) {
    return brokerErrors.error('IDP_UNAVAILABLE', { idp, ...(status ? { status } : {}) }, error);
  }
  const code = (error as { code?: unknown }).code;
  return brokerErrors.error(
    'IDP_RESPONSE_INVALID',
    { idp, ...(typeof code === 'string' ? { check: code } : {}) },
    error,
  );
}

function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current && depth < 6; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function isNetworkFailure(error: unknown): boolean {
  for (const e of causes(error)) {
    const name = (e as { name?: string }).name;
    const code = (e as { code?: string }).code;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
    if (
      code &&
      [
        'ECONNREFUSED',
        'ECONNRESET',
        'ETIMEDOUT',
        'ENOTFOUND',
        'EAI_AGAIN',
        'UND_ERR_CONNECT_TIMEOUT',
        'UND_ERR_SOCKET',
      ].includes(code)
    )
      return true;
  }
  return false;
}

function httpStatusIn(error: unknown): number | undefined {
  for (const e of causes(error)) {
    const status = (e as { status?: unknown }).status ?? (e as { response?: { status?: unknown } }).response?.status;
    if (typeof status === 'number') return status;
    if (e instanceof Response) return e.status;
  }
  return undefined;
}

/**
 * What to log about a failure: the chain of error messages and codes only.
 * Never the error objects themselves: openid-client attaches the ID token's
 * claims (personal data) to some of its validation errors.
 */
export function failureSummary(error: unknown): { reasons: string[] } {
  const reasons: string[] = [];
  for (const e of causes(error)) {
    if (!(e instanceof Error)) break;
    const code = (e as { code?: unknown }).code;
    reasons.push(typeof code === 'string' ? `${code}: ${e.message}` : e.message);
  }
  return { reasons };
}
