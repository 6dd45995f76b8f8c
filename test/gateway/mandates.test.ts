import { CompactEncrypt, SignJWT, compactDecrypt, decodeJwt, decodeProtectedHeader, exportJWK, importJWK } from 'jose';
import { createPublicKey } from 'node:crypto';
import { createMandateStore, type Mandate } from '../../auth/mandates/store.ts';
import { providerSubject } from '../../gateway/provider-subject.ts';
import { loadGatewayKeys } from '../../gateway/keys.ts';
import { verifyChain } from '../../lib/audit/index.ts';
import { publicJwks, type Jwks } from '../../lib/keys.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';
import { signDpopProof } from '../../harness/dpop-key.ts';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { Citizen, consentPage } from '../../harness/citizen.ts';
import {
  authorizationUrl,
  postGraphQL,
  redeemCode,
  registered,
  serviceProvider,
  type ServiceProvider,
} from '../helpers/service-provider.ts';
import { YVONNE_MANDATE, accountOf, choose, forWhomPage, giveMandate, subOf } from '../helpers/representation.ts';

/**
 * The gateway under a mandate (docs/mandates.md "For service providers"), with tokens the
 * real broker issued to Jean acting for Yvonne: the pivot token's subject, identity and
 * citizen_ref are hers, `act` and `mandate` name Jean and the mandate; each provider's
 * internal token carries its own subject for both; the exchange is recorded under her and,
 * in the same transaction, under him. Refused: an operation outside the mandate's domains,
 * a token past the mandate's end, and — within about a second — any token of a mandate
 * ended early.
 */
let platform: TestPlatform;
let parking: ServiceProvider;
let document: string;

const FOR_SOMEONE = 'openid given_name family_name representation';

beforeAll(async () => {
  platform = await startTestPlatform();
  parking = await serviceProvider(platform, 'parking-nimes');
  document = parking.operation('ParkingForSomeone');
}, 90000);
afterAll(async () => {
  await platform?.close();
});

/** Jean signs in, chooses the mandator of `mandateId`, allows: the pivot token. */
async function tokenFor(mandateId: string): Promise<string> {
  const { url, checks } = await authorizationUrl(parking, {
    details: [registered('ParkingForSomeone')],
    scope: FOR_SOMEONE,
  });
  const citizen = new Citizen(platform);
  const page = forWhomPage(await citizen.signIn(url, { login: 'jean.martin', idp: 'ameli' }));
  const consent = consentPage(await choose(platform, citizen, page, mandateId));
  return (await redeemCode(parking, (await citizen.decide(consent, 'allow')).url, checks)).access_token;
}

/** The signed payload inside a pivot token (decrypted with the gateway's key). */
async function payloadOf(token: string): Promise<Record<string, any>> {
  const key = loadGatewayKeys(platform.config).decryption.get(decodeProtectedHeader(token).kid as string)!;
  return decodeJwt(new TextDecoder().decode((await compactDecrypt(token, key)).plaintext)) as Record<string, any>;
}

/** A pivot token with `payload`, signed with the broker's key and encrypted to the gateway, as the broker would. */
async function forge(payload: Record<string, unknown>): Promise<string> {
  const brokerKeys = platform.config.secretJson<Jwks>(platform.config.broker.keys, 'broker.keys');
  const jwk = brokerKeys.keys.find((k) => k.alg === 'ES256' && 'd' in k)!;
  const jws = await new SignJWT(payload as never)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid!, typ: 'at+jwt' })
    .sign(await importJWK(jwk, 'ES256'));
  const gateway = loadGatewayKeys(platform.config);
  const [kid, privateKey] = [...gateway.decryption.entries()][0]!;
  return new CompactEncrypt(new TextEncoder().encode(jws))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', cty: 'at+jwt', kid })
    .encrypt(createPublicKey(privateKey));
}

/** POSTs with `token` and a proof of the SP's own key (the one every pivot token here is bound to). */
async function post(token: string): Promise<{ status: number; body: any }> {
  const proof = await signDpopProof(
    { privateKey: parking.dpopKeys.privateKey, publicJwk: await exportJWK(parking.dpopKeys.publicKey) },
    { htm: 'POST', htu: platform.graphqlUrl, accessToken: token },
  );
  const response = await fetch(platform.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: proof },
    body: JSON.stringify({ query: document, operationName: 'ParkingForSomeone' }),
  });
  return { status: response.status, body: await response.json() };
}

const codesOf = (body: any) => (body.errors ?? []).map((e: any) => e.extensions?.code);

test('the pivot token and the provider tokens name Yvonne as the citizen and Jean as the actor', async () => {
  const token = await tokenFor(YVONNE_MANDATE);
  const payload = await payloadOf(token);
  const yvonne = accountOf(platform, 'yvonne.martin');
  const jean = accountOf(platform, 'jean.martin');
  expect(payload).toMatchObject({
    sub: subOf(platform, 'yvonne.martin', 'parking-nimes'),
    client_id: 'parking-nimes',
    citizen_ref: yvonne,
    pivot: SANDBOX_IDENTITIES['yvonne.martin'],
    act: { sub: subOf(platform, 'jean.martin', 'parking-nimes'), citizen_ref: jean },
    mandate: { id: YVONNE_MANDATE, domains: ['transport', 'housing'], ends_at: expect.any(Number) },
  });
  expect(payload.mandate.ends_at * 1000).toBeGreaterThan(Date.now() + 300 * 86400_000);

  const ants = platform.providers.ants!;
  const before = ants.graphqlCalls().length;
  const result = await postGraphQL(platform, token, document, 'ParkingForSomeone');
  expect(result.status).toBe(200);
  expect(result.body.errors).toBeUndefined();
  expect(result.body.data.me.vehicles).toEqual([
    expect.objectContaining({ make: 'Peugeot', model: '208', critAir: 1 }),
  ]);
  expect(result.body.data.me.taxAddress.cityCode).toBe('30189');

  const secret = platform.config.secret(platform.config.gateway.providerSubjectSecret, 'gateway.providerSubjectSecret');
  const sent = ants.graphqlCalls().slice(before);
  expect(sent.length).toBeGreaterThan(0);
  const internal = decodeJwt(String(sent[0]!.headers.authorization).replace(/^Bearer /, ''));
  expect(internal).toMatchObject({
    sub: providerSubject(secret, 'ants', yvonne),
    pivot: SANDBOX_IDENTITIES['yvonne.martin'],
    act: { sub: providerSubject(secret, 'ants', jean) },
    mandate_id: YVONNE_MANDATE,
  });
  // Neither the SP's subjects nor the broker's account ids reach a provider.
  const text = JSON.stringify(internal);
  for (const hidden of [jean, yvonne, payload.sub, payload.act.sub]) expect(text).not.toContain(hidden);

  // The exchange, under Yvonne with the mandate, and its copy under Jean: one transaction.
  const { rows } = await platform.pool.query(
    `SELECT kind, citizen_ref, data, xmin::text AS tx FROM audit.events
     WHERE kind IN ('gateway.exchange', 'gateway.representative_exchange') AND data->>'grantId' = $1 ORDER BY kind`,
    [payload.grant_id],
  );
  expect(rows.map((r) => [r.kind, r.citizen_ref])).toEqual([
    ['gateway.exchange', yvonne],
    ['gateway.representative_exchange', jean],
  ]);
  expect(rows[0].data).toEqual(rows[1].data);
  expect(rows[0].data).toMatchObject({ mandateId: YVONNE_MANDATE, outcome: 'success', sub: payload.sub });
  expect(rows[0].data.fields).toContain('Vehicle.critAir');
  expect(rows[0].tx).toBe(rows[1].tx);
  // `passerelle audit verify`: the chain holds with them.
  const keys = publicJwks(platform.config.secretJson<Jwks>(platform.config.broker.keys, 'broker.keys')).keys;
  expect(await verifyChain(platform.pool, keys)).toMatchObject({ ok: true });
});

test('a consented operation outside the mandate’s domains, or past its end, is refused before any provider', async () => {
  const payload = await payloadOf(await tokenFor(YVONNE_MANDATE));
  const calls = platform.providerCalls();

  const housingOnly = await post(await forge({ ...payload, mandate: { ...payload.mandate, domains: ['housing'] } }));
  expect(housingOnly.status).toBe(403);
  expect(codesOf(housingOnly.body)).toEqual(['MANDATE_DOMAIN_NOT_COVERED']);
  expect(housingOnly.body.errors[0].extensions.missing).toEqual(['transport']);

  const ended = await post(
    await forge({ ...payload, mandate: { ...payload.mandate, ends_at: Math.floor(Date.now() / 1000) - 1 } }),
  );
  expect(ended.status).toBe(401);
  expect(codesOf(ended.body)).toEqual(['MANDATE_EXPIRED']);

  // An actor without its mandate (or the reverse) is no token the broker issues.
  const { mandate: _mandate, ...actOnly } = payload;
  const halfway = await post(await forge(actOnly));
  expect(halfway.status).toBe(401);
  expect(codesOf(halfway.body)).toEqual(['PIVOT_TOKEN_CLAIMS_INVALID']);

  expect(platform.providerCalls()).toBe(calls);
  // The refusals of a readable token are in both histories too (an unreadable one names nobody).
  const { rows } = await platform.pool.query(
    `SELECT kind, data->'errorCodes' AS codes FROM audit.events
     WHERE data->>'grantId' = $1 AND data->>'outcome' = 'refused' ORDER BY seq`,
    [payload.grant_id],
  );
  expect(rows.filter((r) => r.kind === 'gateway.representative_exchange').map((r) => r.codes)).toEqual([
    ['MANDATE_DOMAIN_NOT_COVERED'],
    ['MANDATE_EXPIRED'],
  ]);
});

test('ending a mandate revokes its grants: the gateway refuses its tokens within about a second', async () => {
  const camille: Mandate = await giveMandate(platform, 'camille.petit', 'jean.martin', ['transport', 'housing']);
  const token = await tokenFor(camille.id);
  expect((await postGraphQL(platform, token, document, 'ParkingForSomeone')).status).toBe(200);

  await createMandateStore(platform.pool).end(camille.id, accountOf(platform, 'camille.petit'));
  const ended = Date.now();
  let refused: { status: number; body: any } | undefined;
  while (Date.now() - ended < 3000) {
    const answer = await postGraphQL(platform, token, document, 'ParkingForSomeone');
    if (answer.status !== 200) {
      refused = answer;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const delay = Date.now() - ended;
  expect(refused).toMatchObject({ status: 401 });
  expect(codesOf(refused!.body)).toEqual(['GRANT_REVOKED']);
  expect(delay).toBeLessThan(1500);

  // A new sign-in no longer offers Camille.
  const { url } = await authorizationUrl(parking, { details: [registered('ParkingForSomeone')], scope: FOR_SOMEONE });
  const page = forWhomPage(await new Citizen(platform).signIn(url, { login: 'jean.martin', idp: 'ameli' }));
  expect(page.choices.map((c) => c.value)).toEqual(['self', YVONNE_MANDATE]);
});
