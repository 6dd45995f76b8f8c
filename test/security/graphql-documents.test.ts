import { parse, print } from 'graphql';
import { operationHash } from '../../lib/federation/operation.ts';
import {
  PARKING,
  PARKING_SCOPES,
  codeOf,
  nameOf,
  expectNoLeak,
  expectRefused,
  useNegativesBench,
} from './support/graphql-gateway.ts';

/**
 * A pivot token consents to one document: its operation hash (SHA-256 of the
 * graphql-js `print` of the parsed document, lib/federation/operation.ts) and its
 * operation name. Every other document is refused before any provider is called —
 * except layouts of the same document (whitespace, commas, comments), which print
 * to the same canonical form and so are the consented document, deliberately.
 */
const bench = useNegativesBench();
let token: string;
beforeAll(async () => {
  token = await bench.tokenFor(PARKING, { scopes: PARKING_SCOPES });
});

test('the consented document is answered, from the providers (the count sees their calls)', async () => {
  const sent = await bench.send({ query: PARKING, operationName: 'Parking' }, token);
  expect([sent.status, sent.json.errors]).toEqual([200, undefined]);
  expect(sent.json.data.me.taxAddress.cityCode).toBe('30189');
  expect(sent.providerCalls).toBe(3);
  const [event] = await bench.gw.exchangeEvents(sent.requestId);
  expect(event!.data).toMatchObject({ outcome: 'success', operationHash: operationHash(PARKING) });
});

describe('deliberately accepted: the same document laid out otherwise', () => {
  // Ignored tokens of the GraphQL grammar (§2.1.7): they cannot change what is read.
  test.each([
    ['reindented on several lines', PARKING.replace(/ \{ /g, ' {\n    ').replace(/ \}/g, '\n}')],
    ['commas between fields', PARKING.replace('cityCode city', 'cityCode, city,')],
    ['comments', `# asked by the parking service\n${PARKING.replace('{ value }', '{ value # QF\n }')}`],
    ['a byte-order mark and tabs', `\ufeff\t${PARKING.replace(/ /g, '\t')}`],
  ])('%s: same canonical form, same hash, answered', async (_what, layout) => {
    expect(print(parse(layout))).toBe(print(parse(PARKING)));
    const sent = await bench.send({ query: layout }, token);
    expect([sent.status, sent.json.errors]).toEqual([200, undefined]);
    expect(sent.providerCalls).toBe(3);
    const [event] = await bench.gw.exchangeEvents(sent.requestId);
    expect(event!.data.operationHash).toBe(operationHash(PARKING));
  });
});

describe('other documents: 403 CONSENT_REQUIRED, nothing sent to any provider', () => {
  const others: Array<[string, string, Record<string, unknown>?]> = [
    ['a renamed operation', PARKING.replace('query Parking', 'query Parking2')],
    ['the operation name in another case', PARKING.replace('query Parking', 'query parking')],
    ['the same selection, anonymous', PARKING.replace('query Parking', 'query')],
    ['another field', PARKING.replace('cityCode', 'postalCode')],
    ['one field more', PARKING.replace('{ value }', '{ value regime }')],
    ['one field less', PARKING.replace(' critAir', '')],
    ['the fields in another order', PARKING.replace('cityCode city', 'city cityCode')],
    ['an extra operation in the document', `${PARKING} query Other { me { id } }`],
    [
      'the same fields through a fragment',
      `${PARKING.replace('taxAddress { cityCode city }', 'taxAddress { ...A }')} fragment A on TaxAddress { cityCode city }`,
    ],
    [
      'the same fields through an inline fragment',
      PARKING.replace('{ cityCode city }', '{ ... on TaxAddress { cityCode city } }'),
    ],
    ['an alias', PARKING.replace('cityCode', 'code: cityCode')],
    [
      'the consented alias-free document with @include(if: $x)',
      PARKING.replace('critAir', 'critAir @include(if: $x)').replace('query Parking', 'query Parking($x: Boolean!)'),
      { x: true },
    ],
    ['@skip(if: false)', PARKING.replace('critAir', 'critAir @skip(if: false)')],
    ['__typename', PARKING.replace('{ value }', '{ value __typename }')],
  ];
  // Rows of three: a callback with more parameters than its row would be given jest's `done`.
  test.each(others.map(([what, query, variables]) => [what, query, variables ?? null] as const))(
    '%s',
    async (_what, query, variables) => {
      const sent = await bench.send(
        { query, operationName: nameOf(query), ...(variables ? { variables } : {}) },
        token,
      );
      if (codeOf(sent.json) === 'CONSENT_REQUIRED') expect(sent.json.errors[0].extensions.reason).toBe('operation');
      await expectRefused(bench, sent, 403, 'CONSENT_REQUIRED');
    },
  );

  test('the consented document under a name the token does not give it', async () => {
    const misnamed = await bench.tokenFor(PARKING, { scopes: PARKING_SCOPES, operationName: 'Other' });
    await expectRefused(bench, await bench.send({ query: PARKING }, misnamed), 403, 'CONSENT_REQUIRED');
  });

  test('a consented document with @include must be consented for every field it may read, whatever the variables', async () => {
    const query =
      'query P($full: Boolean!) { me { taxAddress { city } vehicles @include(if: $full) { registrationNumber } } }';
    const partial = await bench.tokenFor(query, { scopes: ['dgfip_adresse_fiscale'] });
    const sent = await bench.send({ query, variables: { full: false } }, partial);
    await expectRefused(bench, sent, 403, 'CONSENT_REQUIRED');
    expect(sent.json.errors[0].extensions).toMatchObject({
      reason: 'fields',
      fields: expect.arrayContaining([expect.objectContaining({ path: 'me.vehicles' })]),
    });
  });
});

describe('operation selection', () => {
  test.each([
    ['an unclosed selection', PARKING.slice(0, -1)],
    ['a stray character', PARKING.replace('me {', 'me ! {')],
    ['only a comment', '# query Parking'],
  ])('a document that does not parse (%s): 400 OPERATION_SYNTAX_ERROR', async (_what, query) => {
    await expectRefused(bench, await bench.send({ query }, token), 400, 'OPERATION_SYNTAX_ERROR');
  });

  test('an operationName the document does not hold: 400 OPERATION_NOT_FOUND', async () => {
    await expectRefused(
      bench,
      await bench.send({ query: PARKING, operationName: 'Other' }, token),
      400,
      'OPERATION_NOT_FOUND',
    );
  });

  test('two operations and no operationName: 400 OPERATION_NAME_REQUIRED', async () => {
    const sent = await bench.send({ query: `${PARKING} query Other { me { id } }` }, token);
    await expectRefused(bench, sent, 400, 'OPERATION_NAME_REQUIRED');
  });

  test.each([
    ['a mutation', 'mutation M { me { id } }'],
    ['a subscription', 'subscription S { me { id } }'],
  ])('%s, even consented: 400 OPERATION_NOT_A_QUERY', async (_what, query) => {
    const consented = await bench.tokenFor(query.replace(/^\w+/, 'query'), {
      operationName: /^\w+ (\w+)/.exec(query)![1]!,
    });
    await expectRefused(bench, await bench.send({ query }, consented), 400, 'OPERATION_NOT_A_QUERY');
  });
});

describe('federation internals through the gateway, even in a consented document: 400 OPERATION_INVALID', () => {
  test.each([
    [
      '_entities',
      'query E { _entities(representations: [{ __typename: "Citizen", id: "1" }]) { ... on Citizen { taxAddress { city } } } }',
    ],
    ['_service', 'query S { _service { sdl } }'],
    ['_entities aliased under me', 'query E { me { e: _entities(representations: []) { __typename } } }'],
  ])('%s', async (_what, query) => {
    const consented = await bench.tokenFor(query, { scopes: ['dgfip_adresse_fiscale'] });
    const sent = await bench.send({ query }, consented);
    await expectRefused(bench, sent, 400, 'OPERATION_INVALID');
    expectNoLeak(sent.json);
    expect(JSON.stringify(sent.json)).not.toMatch(/Did you mean/);
  });
});
