import * as oidc from 'openid-client';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { Citizen, consentPage } from '../../../harness/citizen.ts';
import {
  authorizationUrl,
  inline,
  postGraphQL,
  redeemCode,
  redirectError,
  registered,
  serviceProvider,
  type ServiceProvider,
} from '../../helpers/service-provider.ts';

/**
 * What must not get through, on the running platform: requests the broker refuses
 * before any sign-in, a refused consent, and documents or fields beyond the consent,
 * which the gateway refuses without calling any data provider.
 */
let platform: TestPlatform;
let parking: ServiceProvider;
let caf: ServiceProvider;

beforeAll(async () => {
  platform = await startTestPlatform();
  parking = await serviceProvider(platform, 'parking-nimes');
  caf = await serviceProvider(platform, 'simulateur-caf');
}, 90000);
afterAll(async () => {
  await platform?.close();
});

/** A consented Parking token for Marie. */
async function parkingToken(): Promise<{ token: string; sub: string }> {
  const { url, checks } = await authorizationUrl(parking, { details: [registered('Parking')] });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, { login: 'marie.dupont', idp: 'impots' }));
  const tokens = await redeemCode(parking, (await citizen.decide(page, 'allow')).url, checks);
  return { token: tokens.access_token, sub: tokens.claims()!.sub };
}

/**
 * A request for data is pushed (FAPI 2.0): the broker refuses it in its answer to `/par`,
 * 400, before any citizen sees anything.
 */
async function refusedAtPar(
  sp: ServiceProvider,
  request: Parameters<typeof authorizationUrl>[1],
): Promise<{ error: string; description: string }> {
  const refusal = await authorizationUrl(sp, request).catch((e: unknown) => e);
  expect(refusal).toBeInstanceOf(oidc.ResponseBodyError);
  const { error, error_description: description, status } = refusal as oidc.ResponseBodyError;
  expect(status).toBe(400);
  return { error, description: description ?? '' };
}

describe('the broker refuses, before sign-in, with invalid_authorization_details', () => {
  test('a scope the SP is not entitled to, naming the field', async () => {
    const error = await refusedAtPar(parking, {
      details: [inline('query { me { taxAddress { city } benefits { kind } } }')],
    });
    expect(error.error).toBe('invalid_authorization_details');
    expect(error.description).toMatch(
      /^AUTHORIZATION_DETAILS_SCOPE_NOT_ALLOWED: .*me\.benefits \(needs cnaf_prestations\)/,
    );
  });

  test('an operation needing eidas2 asked at eidas1 (PAR answers 400 at once)', async () => {
    const refusal = await authorizationUrl(caf, {
      details: [registered('Benefits', 'Simuler vos aides')],
      acr: 'eidas1',
    }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(oidc.ResponseBodyError);
    const { error, error_description: description, status } = refusal as oidc.ResponseBodyError;
    expect({ status, error }).toEqual({ status: 400, error: 'invalid_authorization_details' });
    expect(description).toMatch(
      /^AUTHORIZATION_DETAILS_ACR_TOO_LOW: .*cnaf_prestations needs eidas2; the request asks eidas1/,
    );
  });

  test.each([
    ['an invalid document', [inline('query { me { taxAddress { shoeSize } } }')], /^OPERATION_INVALID: .*shoeSize/],
    ['a syntax error', [inline('query { me {')], /^OPERATION_SYNTAX_ERROR/],
    ['an unregistered operation', [registered('Benefits')], /^AUTHORIZATION_DETAILS_OPERATION_UNKNOWN/],
    [
      'an entry without purpose',
      [{ type: 'graphql_operation', operation_name: 'Parking' }],
      /^AUTHORIZATION_DETAILS_INVALID: .*purpose/,
    ],
    [
      'the same operation twice',
      [registered('Parking'), registered('Parking', 'Encore une fois')],
      /^AUTHORIZATION_DETAILS_INVALID: .*twice/,
    ],
    [
      'five operations',
      Array.from({ length: 5 }, (_, i) => inline(`query Q${i} { me { taxAddress { city } } }`)),
      /^AUTHORIZATION_DETAILS_INVALID: .*at most 4/,
    ],
  ])('%s', async (_what, details, description) => {
    const error = await refusedAtPar(parking, { details });
    expect(error.error).toBe('invalid_authorization_details');
    expect(error.description).toMatch(description);
  });

  test('an unknown authorization_details type', async () => {
    const error = await refusedAtPar(parking, { details: [{ type: 'payment_initiation', amount: 12 }] });
    expect(error.error).toBe('invalid_authorization_details');
  });

  test('a resource other than the gateway', async () => {
    const error = await refusedAtPar(parking, {
      details: [registered('Parking')],
      extra: { resource: 'https://elsewhere.example/api' },
    });
    expect(error).toMatchObject({
      error: 'invalid_target',
      description: expect.stringMatching(/^RESOURCE_NOT_ALLOWED/),
    });
  });
});

test('refusing sends access_denied (CONSENT_REFUSED) to the SP, with no code, and is recorded', async () => {
  const { url, checks } = await authorizationUrl(parking, {
    details: [registered('Parking', 'Tarif du stationnement')],
  });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, { login: 'jean.martin', idp: 'ameli' }));
  const back = await citizen.decide(page, 'refuse');
  expect(back.url.origin).toBe('http://localhost:3000');
  expect(back.url.searchParams.get('code')).toBeNull();
  expect(redirectError(back.url)).toEqual({
    error: 'access_denied',
    description: expect.stringMatching(/^CONSENT_REFUSED: /),
    state: checks.expectedState,
  });
  const { rows } = await platform.pool.query(
    "SELECT client_id, data FROM audit.events WHERE kind = 'broker.consent_refused' AND data->>'purpose' = 'Tarif du stationnement'",
  );
  expect(rows).toEqual([
    {
      client_id: 'parking-nimes',
      data: expect.objectContaining({ operationName: 'Parking', grantId: null, scopes: expect.any(Array) }),
    },
  ]);
});

describe('the gateway runs the consented operation only, and calls no provider otherwise', () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await parkingToken());
  }, 30000);

  test('another document: 403 CONSENT_REQUIRED, no provider called', async () => {
    const before = platform.providerCalls();
    const result = await postGraphQL(platform, token, 'query Parking { me { taxAddress { city } } }', 'Parking');
    expect(result.status).toBe(403);
    expect(result.body.errors[0].extensions.code).toBe('CONSENT_REQUIRED');
    expect(platform.providerCalls()).toBe(before);
  });

  test('the consented document with one extra field: 403 CONSENT_REQUIRED, no provider called', async () => {
    const extra = parking.operation('Parking').replace('critAir', 'critAir energy');
    expect(extra).not.toBe(parking.operation('Parking'));
    const before = platform.providerCalls();
    const result = await postGraphQL(platform, token, extra, 'Parking');
    expect(result.status).toBe(403);
    expect(result.body.errors[0].extensions.code).toBe('CONSENT_REQUIRED');
    expect(platform.providerCalls()).toBe(before);
  });

  test("another SP's registered operation: 403, no provider called", async () => {
    const before = platform.providerCalls();
    const result = await postGraphQL(platform, token, caf.operation('FamilyQuotient'), 'FamilyQuotient');
    expect(result.status).toBe(403);
    expect(platform.providerCalls()).toBe(before);
  });

  test('the consented document itself, with another layout: 200', async () => {
    const relaid = parking.operation('Parking').replaceAll(' ', '\n  ');
    const result = await postGraphQL(platform, token, relaid, 'Parking');
    expect(result.status).toBe(200);
    expect(result.body.data.me.taxAddress.cityCode).toBe('30189');
  });
});

describe('the token endpoint', () => {
  test('refuses authorization_details sent again with the code', async () => {
    const { url, checks } = await authorizationUrl(parking, { details: [registered('Parking')] });
    const citizen = new Citizen(platform);
    const page = consentPage(await citizen.signIn(url, { login: 'marie.dupont', idp: 'impots' }));
    const callback = (await citizen.decide(page, 'allow')).url;
    const refusal = await redeemCode(parking, callback, checks, {
      authorization_details: JSON.stringify([registered('Parking')]),
    }).catch((e: unknown) => e);
    expect(refusal).toMatchObject({
      error: 'invalid_authorization_details',
      error_description: expect.stringMatching(/^AUTHORIZATION_DETAILS_INVALID: .*token request/),
    });
  });

  test('gives a plain sign-in an opaque token for /userinfo, and no token for the gateway', async () => {
    const { url, checks } = await authorizationUrl(parking, { scope: 'openid identite_pivot' });
    const citizen = new Citizen(platform);
    const stop = await citizen.signIn(url, { login: 'camille.petit', idp: 'ameli' });
    expect(stop.url.origin).toBe('http://localhost:3000');
    const tokens = await redeemCode(parking, stop.url, checks, undefined, { dpop: false });
    expect(tokens.access_token.split('.')).toHaveLength(1);
    expect(tokens.authorization_details).toBeUndefined();
    const userinfo = await oidc.fetchUserInfo(parking.client, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).toMatchObject({ given_name: 'Camille', birthdate: '1990-00-00' });
    const result = await postGraphQL(platform, tokens.access_token, parking.operation('Parking'), 'Parking');
    expect(result.status).toBe(401);
  });

  test('refuses a gateway token for a code without consented operations', async () => {
    const gateway = platform.config.gateway.url;
    const plain = await authorizationUrl(parking, { scope: 'openid given_name' });
    const plainStop = await new Citizen(platform).signIn(plain.url, { login: 'camille.petit', idp: 'ameli' });
    const refusal = await redeemCode(parking, plainStop.url, plain.checks, { resource: gateway }).catch(
      (e: unknown) => e,
    );
    expect(refusal).toMatchObject({ error: 'invalid_target' });

    // Even when the authorization request named the gateway as resource.
    const named = await authorizationUrl(parking, { scope: 'openid given_name', extra: { resource: gateway } });
    const namedStop = await new Citizen(platform).signIn(named.url, { login: 'camille.petit', idp: 'ameli' });
    const refused = await redeemCode(parking, namedStop.url, named.checks, { resource: gateway }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({
      error: 'invalid_target',
      error_description: expect.stringMatching(/^RESOURCE_NOT_ALLOWED/),
    });
  });
});
