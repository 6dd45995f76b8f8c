import * as oidc from 'openid-client';
import { waitFor } from '../../helpers/wait-for.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { Citizen, consentPage } from '../../../harness/citizen.ts';
import {
  authorizationUrl,
  postGraphQL,
  redeemCode,
  registered,
  serviceProvider,
  type ServiceProvider,
} from '../../helpers/service-provider.ts';

/**
 * A grant covers the consented operations only, and revoking it stops its tokens at
 * the gateway within about a second (docs/tokens.md): through the revocation endpoint,
 * through `revokeGrant` (the citizen's dashboard), and when an authorization code is
 * replayed. A token is bound to the SP it was issued to.
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

/** Marie consents to Parking; returns the callback and checks, the code not yet redeemed. */
async function consented(login = 'marie.dupont') {
  const { url, checks } = await authorizationUrl(parking, { details: [registered('Parking')] });
  const citizen = new Citizen(platform);
  const page = consentPage(await citizen.signIn(url, { login, idp: 'impots' }));
  return { callback: (await citizen.decide(page, 'allow')).url, checks };
}

async function parkingToken() {
  const { callback, checks } = await consented();
  return redeemCode(parking, callback, checks);
}

const runParking = (token: string) => postGraphQL(platform, token, parking.operation('Parking'), 'Parking');

/** Polls the gateway until it refuses `token`; returns how long it took. */
async function refusedWithin(token: string, limitMs: number): Promise<{ ms: number; code: string }> {
  const started = Date.now();
  const result = await waitFor(
    () => postGraphQL(platform, token, 'query { me { id } }'),
    (answer) => answer.status === 401,
    { timeoutMs: limitMs, intervalMs: 50 },
  );
  if (result.status !== 401) throw new Error(`still accepted after ${limitMs} ms (status ${result.status})`);
  return { ms: Date.now() - started, code: result.body.errors[0].extensions.code };
}

async function auditEvents(kind: string, grantId: string) {
  const { rows } = await platform.pool.query(
    "SELECT client_id, citizen_ref, data FROM audit.events WHERE kind = $1 AND data->>'grantId' = $2",
    [kind, grantId],
  );
  return rows;
}

test('an SP revoking its pivot token at /revoke stops every token of that grant within about a second', async () => {
  const tokens = await parkingToken();
  expect((await runParking(tokens.access_token)).status).toBe(200);
  const before = platform.providerCalls();
  await oidc.tokenRevocation(parking.client, tokens.access_token);
  const { ms, code } = await refusedWithin(tokens.access_token, 3000);
  expect(code).toBe('GRANT_REVOKED');
  expect(ms).toBeLessThan(2500);
  expect((await runParking(tokens.access_token)).status).toBe(401);
  expect(platform.providerCalls()).toBe(before);

  const consent = (
    await platform.pool.query(
      "SELECT data->>'grantId' AS grant_id FROM audit.events WHERE kind = 'broker.consent_given' AND data->>'sub' = $1 ORDER BY seq DESC LIMIT 1",
      [tokens.claims()!.sub],
    )
  ).rows[0];
  const { rows } = await platform.pool.query('SELECT reason FROM gateway.revoked_grants WHERE grant_id = $1', [
    consent.grant_id,
  ]);
  expect(rows).toEqual([{ reason: 'service_provider' }]);
  expect(await auditEvents('broker.grant_revoked', consent.grant_id)).toEqual([
    {
      client_id: 'parking-nimes',
      citizen_ref: expect.any(String),
      data: { grantId: consent.grant_id, reason: 'service_provider' },
    },
  ]);
});

test("revokeGrant (the dashboard's call) revokes one consent: the grant, its unredeemed code, its tokens", async () => {
  const first = await parkingToken();
  const pending = await consented();
  const other = await parkingToken();
  const grantOf = async (sub: string, offset: number) =>
    (
      await platform.pool.query(
        "SELECT data->>'grantId' AS id, citizen_ref FROM audit.events WHERE kind = 'broker.consent_given' AND data->>'sub' = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1",
        [sub, offset],
      )
    ).rows[0];
  // Newest first: other, pending, first.
  const sub = first.claims()!.sub;
  const pendingGrant = await grantOf(sub, 1);
  const firstGrant = await grantOf(sub, 2);

  expect(await platform.broker.grants.revokeGrant(firstGrant.id, 'citizen')).toBe(true);
  expect(await platform.broker.grants.revokeGrant(pendingGrant.id, 'citizen')).toBe(true);
  // Twice: nothing more happens, nothing is recorded again.
  expect(await platform.broker.grants.revokeGrant(firstGrant.id, 'citizen')).toBe(false);
  expect((await refusedWithin(first.access_token, 3000)).code).toBe('GRANT_REVOKED');
  // The code of a revoked grant cannot be redeemed any more.
  await expect(redeemCode(parking, pending.callback, pending.checks)).rejects.toMatchObject({
    error: 'invalid_grant',
  });
  // Another consent of the same citizen and SP is another grant: untouched.
  expect((await runParking(other.access_token)).status).toBe(200);
  expect(await auditEvents('broker.grant_revoked', firstGrant.id)).toEqual([
    {
      client_id: 'parking-nimes',
      citizen_ref: firstGrant.citizen_ref,
      data: { grantId: firstGrant.id, reason: 'citizen' },
    },
  ]);
});

test('a code presented twice revokes its grant: the token of the first exchange stops working', async () => {
  const { callback, checks } = await consented();
  const tokens = await redeemCode(parking, callback, checks);
  expect((await runParking(tokens.access_token)).status).toBe(200);
  await expect(redeemCode(parking, callback, checks)).rejects.toMatchObject({
    error: 'invalid_grant',
  });
  expect((await refusedWithin(tokens.access_token, 3000)).code).toBe('GRANT_REVOKED');
});

describe('a token replayed by another SP', () => {
  test('cannot be revoked by it (200, nothing happens), nor used at /userinfo', async () => {
    const tokens = await parkingToken();
    await oidc.tokenRevocation(caf.client, tokens.access_token);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await runParking(tokens.access_token)).status).toBe(200);
    await expect(oidc.fetchUserInfo(caf.client, tokens.access_token, oidc.skipSubjectCheck)).rejects.toBeInstanceOf(
      oidc.WWWAuthenticateChallengeError,
    );
    await expect(oidc.fetchUserInfo(parking.client, tokens.access_token, oidc.skipSubjectCheck)).rejects.toBeInstanceOf(
      oidc.WWWAuthenticateChallengeError,
    );
  });

  test("reads nothing of that SP's own operations at the gateway: 403, no provider called", async () => {
    const tokens = await parkingToken();
    const before = platform.providerCalls();
    const result = await postGraphQL(platform, tokens.access_token, caf.operation('FamilyQuotient'), 'FamilyQuotient');
    expect(result.status).toBe(403);
    expect(result.body.errors[0].extensions.code).toBe('CONSENT_REQUIRED');
    expect(platform.providerCalls()).toBe(before);
  });

  test("cannot get tokens with the other SP's code", async () => {
    const { callback, checks } = await consented();
    const stolen = new URL(callback.href.replace('http://localhost:3000/callback', caf.redirectUri));
    await expect(redeemCode(caf, stolen, { ...checks, expectedState: checks.expectedState })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
