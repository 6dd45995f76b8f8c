import {
  PARKING,
  PARKING_SCOPES,
  expectNoLeak,
  expectRecordedRefusal,
  expectRefused,
  useNegativesBench,
} from './support/graphql-gateway.ts';

/**
 * GraphQL over HTTP as the gateway takes it: one operation per POST, its document in
 * the JSON body. No GET (an operation in a URL ends up in logs), no other method, no
 * batch (each operation has its own consent and audit record), no persisted query
 * (a consent names a document, not a hash the gateway would look up), and a body of
 * the expected shape. Each refusal is coded, reaches no provider and is recorded.
 */
const bench = useNegativesBench();
let token: string;
beforeAll(async () => {
  token = await bench.tokenFor(PARKING, { scopes: PARKING_SCOPES });
});

test('the consented document, POSTed as JSON, is answered (the control for the cases below)', async () => {
  const sent = await bench.send({ query: PARKING }, token);
  expect([sent.status, sent.json.errors, sent.providerCalls]).toEqual([200, undefined, 3]);
});

describe('methods other than POST: 405 REQUEST_METHOD_NOT_ALLOWED with Allow: POST', () => {
  test.each([
    ['GET with the document in the URL', 'GET', `?query=${encodeURIComponent(PARKING)}`],
    ['GET without a query', 'GET', ''],
    ['PUT', 'PUT', ''],
    ['DELETE', 'DELETE', ''],
    ['PATCH', 'PATCH', ''],
    ['OPTIONS (no CORS preflight either)', 'OPTIONS', ''],
    ['HEAD', 'HEAD', ''],
  ])('%s', async (_what, method, search) => {
    const requestId = `method-${method}-${Date.now()}`;
    const before = bench.providerCalls();
    const response = await fetch(`${bench.gw.graphqlUrl}${search}`, {
      method,
      headers: { ...bench.gw.credentials(token), 'x-request-id': requestId },
      ...(['PUT', 'PATCH', 'DELETE'].includes(method)
        ? {
            body: JSON.stringify({ query: PARKING }),
            headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          }
        : {}),
    });
    const text = await response.text();
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
    if (method !== 'HEAD') expect(JSON.parse(text).errors[0].extensions.code).toBe('REQUEST_METHOD_NOT_ALLOWED');
    expectNoLeak(text);
    expect(bench.providerCalls()).toBe(before);
    await expectRecordedRefusal(bench, requestId, 405, 'REQUEST_METHOD_NOT_ALLOWED');
  });
});

describe('batching: 400 REQUEST_BATCHING_NOT_ALLOWED', () => {
  test.each([
    ['two operations', () => [{ query: PARKING }, { query: PARKING }]],
    ['a batch of one', () => [{ query: PARKING }]],
    ['an empty batch', () => []],
  ])('%s', async (_what, body) => {
    await expectRefused(bench, await bench.send(body(), token), 400, 'REQUEST_BATCHING_NOT_ALLOWED');
  });
});

describe('persisted queries: 400 REQUEST_PERSISTED_QUERY_NOT_ALLOWED', () => {
  const persistedQuery = { version: 1, sha256Hash: 'f'.repeat(64) };
  test.each([
    ['a hash without the document', { extensions: { persistedQuery } }],
    ['a hash with the consented document', { query: PARKING, extensions: { persistedQuery } }],
    [
      'a hash with the document and its name',
      { query: PARKING, operationName: 'Parking', extensions: { persistedQuery } },
    ],
  ])('%s', async (_what, body) => {
    await expectRefused(bench, await bench.send(body, token), 400, 'REQUEST_PERSISTED_QUERY_NOT_ALLOWED');
  });

  test('deliberately accepted: other extensions are ignored, never passed on', async () => {
    const sent = await bench.send({ query: PARKING, extensions: { tracing: true } }, token);
    expect([sent.status, sent.json.extensions]).toEqual([200, undefined]);
  });
});

describe('a body of another shape: 400 REQUEST_BODY_INVALID', () => {
  test.each([
    ['no query', {}],
    ['only an operationName', { operationName: 'Parking' }],
    ['only variables', { variables: {} }],
    ['an empty query', { query: '' }],
    ['a blank query', { query: ' \n\t ' }],
    ['a numeric query', { query: 42 }],
    ['a query object (a parsed AST)', { query: { kind: 'Document', definitions: [] } }],
    ['a list of query strings', { query: [PARKING] }],
    ['a numeric operationName', { query: PARKING, operationName: 1 }],
    ['variables as a list', { query: PARKING, variables: [] }],
    ['variables as a JSON string (the GET form)', { query: PARKING, variables: '{}' }],
    ['JSON null', null],
    ['a JSON string', PARKING],
    ['a JSON number', 42],
  ])('%s', async (_what, body) => {
    const sent = await bench.send(JSON.stringify(body), token);
    await expectRefused(bench, sent, 400, 'REQUEST_BODY_INVALID');
    expect(sent.json.errors[0].extensions.reason).toEqual(expect.any(String));
  });
});
