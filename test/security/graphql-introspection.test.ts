import { PARKING, PARKING_SCOPES, expectRefused, useNegativesBench } from './support/graphql-gateway.ts';

/**
 * The schema is published in the repository, not served: service providers get no
 * introspection (`__schema`, `__type`) however it is spelled, even in a document a
 * token consents to, and no field suggestions ("Did you mean …") that would let them
 * map the schema by trial and error. A request without a token learns nothing at all.
 */
const bench = useNegativesBench();
let token: string;
beforeAll(async () => {
  token = await bench.tokenFor(PARKING, { scopes: PARKING_SCOPES });
});

describe('introspection: 400 OPERATION_INTROSPECTION_DISABLED, even consented', () => {
  test.each([
    ['__schema', 'query I { __schema { types { name fields { name } } } }'],
    ['__type', 'query I { __type(name: "Citizen") { fields { name } } }'],
    ['an aliased __schema', 'query I { s: __schema { queryType { name } } }'],
    ['__schema in a fragment', 'query I { ...F } fragment F on Query { __schema { queryType { name } } }'],
    ['__type in an inline fragment', 'query I { ... on Query { __type(name: "Vehicle") { name } } }'],
    ['__schema beside consented fields', 'query I { me { id } __schema { directives { name } } }'],
    ['__schema under a skipped branch', 'query I { __schema @skip(if: true) { queryType { name } } }'],
  ])('%s', async (_what, query) => {
    const consented = await bench.tokenFor(query);
    const sent = await bench.send({ query }, consented);
    await expectRefused(bench, sent, 400, 'OPERATION_INTROSPECTION_DISABLED');
    expect(JSON.stringify(sent.json)).not.toMatch(/"(?:types|queryType|fields)"\s*:/);
  });

  test('without a token: 401, before the document is even read', async () => {
    const sent = await bench.send({ query: 'query I { __schema { types { name } } }' });
    await expectRefused(bench, sent, 401, 'PIVOT_TOKEN_MISSING');
  });

  test('deliberately accepted: __typename alone, consented, names the root type and calls no provider', async () => {
    const query = 'query T { __typename }';
    const sent = await bench.send({ query }, await bench.tokenFor(query));
    expect([sent.status, sent.json]).toEqual([200, { data: { __typename: 'Query' } }]);
    expect(sent.providerCalls).toBe(0);
  });
});

describe('no field suggestions: 400 OPERATION_INVALID without "Did you mean" or the right name', () => {
  test.each([
    ['a misspelt field', '{ me { taxAdress { city } } }', 'taxAddress'],
    ['a misspelt nested field', '{ me { vehicles { registrationNumbr } } }', 'registrationNumber'],
    ['a misspelt type condition', '{ me { ... on Citizn { id } } }', '"Citizen"'],
    ['a misspelt fragment type', '{ me { ...F } } fragment F on Citizenn { id }', '"Citizen"'],
    ['a misspelt variable type', 'query Q($x: Boolen!) { me { id @include(if: $x) } }', 'Boolean'],
    ['a misspelt directive argument', '{ me { id @include(iff: true) } }', '"if"'],
    ['a misspelt root field', '{ mee { id } }', '"me"'],
    ['a field of another provider on the wrong type', '{ me { taxAddress { critair } } }', 'critAir'],
  ])('%s', async (_what, query, rightName) => {
    const sent = await bench.send({ query }, token);
    await expectRefused(bench, sent, 400, 'OPERATION_INVALID');
    const text = JSON.stringify(sent.json);
    expect(text).not.toMatch(/Did you mean/i);
    expect(text).not.toContain(rightName);
  });
});
