import type { Pool } from '../../../lib/db/database.ts';
import { clientAssertion } from '../../auth/support/broker.ts';

/** The sandbox SP most cases use: private_key_jwt, no PAR required. */
export const PARKING = { clientId: 'parking-nimes', redirectUri: 'http://localhost:3000/callback' } as const;
/** The other sandbox SP: PAR required; client_secret_post in the tests that start it with CAF_WITH_CLIENT_SECRET. */
export const CAF = { clientId: 'simulateur-caf', redirectUri: 'http://localhost:3100/callback' } as const;

/** A valid pushed authorization request of parking-nimes, client authentication aside. */
export const PARKING_REQUEST = {
  redirect_uri: PARKING.redirectUri,
  response_type: 'code',
  scope: 'openid',
  state: 's'.repeat(32),
  nonce: 'n'.repeat(32),
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
};

/** Rows oidc-provider stored, of the given models (auth.oidc_payloads). */
export async function storedCount(pool: Pool, models: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM auth.oidc_payloads WHERE model = ANY($1::text[])',
    [models],
  );
  return Number(rows[0]!.n);
}

/** What a front-channel refusal sent back to the SP carries (query or fragment). */
export interface RedirectedError {
  location: URL;
  error: string | null;
  description: string | null;
  iss: string | null;
  state: string | null;
  code: string | null;
}

/** The authorization response of a `303` to the SP, whether in the query or the fragment. */
export function authorizationResponse(response: Response): RedirectedError {
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location')!);
  const params = location.hash ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
  return {
    location,
    error: params.get('error'),
    description: params.get('error_description'),
    iss: params.get('iss'),
    state: params.get('state'),
    code: params.get('code'),
  };
}

/** A form-encoded POST (token endpoint, PAR, logout...). */
export function postForm(url: URL | string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

/** parking-nimes' client authentication fields: a fresh, valid assertion unless one is given. */
export async function parkingAuth(issuer: string, assertion?: string): Promise<Record<string, string>> {
  return {
    client_id: PARKING.clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion ?? (await clientAssertion({ clientId: PARKING.clientId, audience: issuer })),
  };
}

/** A code redemption at the token endpoint as parking-nimes (fields replaced or added by `params`). */
export async function redeemCode(
  issuer: string,
  params: Record<string, string>,
  auth?: Record<string, string>,
): Promise<Response> {
  return postForm(new URL('/token', issuer), {
    grant_type: 'authorization_code',
    redirect_uri: PARKING.redirectUri,
    ...(auth ?? (await parkingAuth(issuer))),
    ...params,
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = (response: Response) => response.json() as Promise<Record<string, any>>;
