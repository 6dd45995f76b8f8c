import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { operationHash } from '../../lib/federation/operation.ts';
import { startTestGateway, type TestGateway } from './support/gateway.ts';
import { MARIE } from './support/identities.ts';

/**
 * DPoP at the gateway (RFC 9449 §7, docs/tokens.md#dpop-proofs): every POST /graphql
 * carries a fresh proof of the key the pivot token is bound to. Two gateway processes
 * behind one public address share the single-use register, so a proof used at one is
 * refused at the other. Every refusal is a 401 with a `DPoP` challenge and is recorded
 * as a refused exchange.
 */
const PUBLIC_URL = 'http://gateway.passerelle.test';
const HTU = `${PUBLIC_URL}/graphql`;
const ME = 'query Me { me { id } }';
// `me { id }` is answered by the gateway itself: no provider is needed.
const NO_PROVIDERS = { dgfip: 'http://127.0.0.1:9', ants: 'http://127.0.0.1:9', cnaf: 'http://127.0.0.1:9' };

let db: TestDatabase;
let a: TestGateway;
let b: TestGateway;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startTestGateway({ database: db, providerUrls: NO_PROVIDERS, publicUrl: PUBLIC_URL });
  b = await startTestGateway({ database: db, providerUrls: NO_PROVIDERS, publicUrl: PUBLIC_URL, issuer: a.issuer });
}, 60000);
afterAll(async () => {
  await b?.close();
  await a?.close();
  await db?.drop();
});

const codeOf = (json: any) => json?.errors?.[0]?.extensions?.code;
const reasonOf = (json: any) => json?.errors?.[0]?.extensions?.reason;
const meToken = () =>
  a.issuer.issue({ pivot: MARIE, operations: [{ hash: operationHash(ME), operationName: 'Me', scopes: [] }] });

test('a proof used at one gateway process is refused at the other (DPOP_PROOF_REPLAYED)', async () => {
  const { token, dpopKey } = await meToken();
  const proof = dpopKey.proof({ htm: 'POST', htu: HTU, accessToken: token });
  expect((await a.post({ query: ME }, token, { dpop: proof })).status).toBe(200);
  const replayed = await b.post({ query: ME }, token, { dpop: proof, 'x-request-id': 'dpop-replayed' });
  expect([replayed.status, codeOf(replayed.json)]).toEqual([401, 'DPOP_PROOF_REPLAYED']);
  expect(replayed.headers.get('www-authenticate')).toMatch(
    /^DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="ES256 PS256 EdDSA"$/,
  );
  const [event] = await b.exchangeEvents('dpop-replayed');
  expect(event!.data).toMatchObject({ outcome: 'refused', errorCodes: ['DPOP_PROOF_REPLAYED'] });
  // Fresh proofs of the same key work at both (positive control).
  expect((await b.post({ query: ME }, token)).status).toBe(200);
  expect((await a.post({ query: ME }, token)).status).toBe(200);
});

describe('proofs refused, each with its code', () => {
  test.each([
    ['no DPoP header', () => undefined, 'DPOP_PROOF_MISSING', undefined],
    ['two DPoP headers', (proof: string) => `${proof}, ${proof}`, 'DPOP_PROOF_INVALID', 'multiple'],
    ['not a JWT', () => 'not-a-jwt', 'DPOP_PROOF_INVALID', 'malformed'],
  ])('%s', async (_what, header, code, reason) => {
    const { token, dpopKey } = await meToken();
    const value = header(dpopKey.proof({ htm: 'POST', htu: HTU, accessToken: token }));
    const { status, json } = await a.post({ query: ME }, token, { dpop: value ?? '' });
    expect([status, codeOf(json), reasonOf(json)]).toEqual([401, code, reason]);
  });

  test.each<[string, { htm?: string; htu?: 'own'; iat?: number; accessToken?: string }, string]>([
    ['for GET', { htm: 'GET' }, 'htm'],
    ["for this process's own port instead of the public address", { htu: 'own' }, 'htu'],
    ['two minutes old', { iat: Math.floor(Date.now() / 1000) - 120 }, 'iat'],
    ['a minute in the future', { iat: Math.floor(Date.now() / 1000) + 60 }, 'iat'],
    ['for another token', { accessToken: 'another-token' }, 'ath'],
  ])('a proof %s: DPOP_PROOF_INVALID', async (_what, change, reason) => {
    const { token, dpopKey } = await meToken();
    const htu = change.htu === 'own' ? a.graphqlUrl : HTU;
    const proof = dpopKey.proof({ htm: 'POST', accessToken: token, ...change, htu });
    const { status, json } = await a.post({ query: ME }, token, { dpop: proof });
    expect([status, codeOf(json), reasonOf(json)]).toEqual([401, 'DPOP_PROOF_INVALID', reason]);
  });

  test("a proof of another key than the token's: DPOP_KEY_MISMATCH", async () => {
    const { token } = await meToken();
    const { dpopKey: other } = await meToken();
    const { status, json } = await a.post({ query: ME }, token, {
      dpop: other.proof({ htm: 'POST', htu: HTU, accessToken: token }),
    });
    expect([status, codeOf(json)]).toEqual([401, 'DPOP_KEY_MISMATCH']);
  });
});

describe('tokens refused however well the proof is made', () => {
  test('a bound token sent as a bearer token: PIVOT_TOKEN_BEARER_NOT_ALLOWED', async () => {
    const { token, dpopKey } = await meToken();
    const { status, json } = await a.post({ query: ME }, token, {
      authorization: `Bearer ${token}`,
      dpop: dpopKey.proof({ htm: 'POST', htu: HTU, accessToken: token }),
    });
    expect([status, codeOf(json)]).toEqual([401, 'PIVOT_TOKEN_BEARER_NOT_ALLOWED']);
  });

  test('a token bound to no key: PIVOT_TOKEN_NOT_SENDER_CONSTRAINED', async () => {
    const { cnf: _cnf, ...claims } = a.issuer.claimsFor({
      pivot: MARIE,
      operations: [{ hash: operationHash(ME), operationName: 'Me', scopes: [] }],
    });
    const token = await a.issuer.craft(claims);
    const { status, json } = await a.post({ query: ME }, token);
    expect([status, codeOf(json)]).toEqual([401, 'PIVOT_TOKEN_NOT_SENDER_CONSTRAINED']);
  });
});
