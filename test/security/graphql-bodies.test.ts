import {
  PARKING,
  PARKING_SCOPES,
  codeOf,
  expectNoLeak,
  expectRecordedRefusal,
  expectRefused,
  useNegativesBench,
} from './support/graphql-gateway.ts';
import { rawExchange, trickle } from './support/raw-http.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * The bytes of a POST /graphql before they are a GraphQL request: their size
 * (declared or chunked), their media type and charset, JSON, NUL, UTF-8, and the
 * time they take to arrive (gateway.limits.bodyTimeoutMs and headersTimeoutMs,
 * shortened here). Each is refused with its code, reaches no provider, and — once
 * the headers are in — is recorded as a refused exchange.
 */
const BODY_TIMEOUT_MS = 1000;
const HEADERS_TIMEOUT_MS = 1000;
const MAX_BODY_BYTES = 32_768;
const bench = useNegativesBench([
  ['gateway.limits.bodyTimeoutMs', BODY_TIMEOUT_MS],
  ['gateway.limits.headersTimeoutMs', HEADERS_TIMEOUT_MS],
  ['gateway.limits.maxBodyBytes', MAX_BODY_BYTES],
]);
let token: string;
beforeAll(async () => {
  token = await bench.tokenFor(PARKING, { scopes: PARKING_SCOPES });
});

const head = (requestId: string, extra: string) => {
  const credentials = Object.entries(bench.gw.credentials(token)).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST /graphql HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/json\r\n${credentials.join('')}X-Request-Id: ${requestId}\r\n${extra}\r\n`;
};

describe('size: 413 REQUEST_BODY_TOO_LARGE, the connection closed', () => {
  test('declared by Content-Length: refused on the headers, before any byte of the body', async () => {
    const requestId = `declared-${Date.now()}`;
    const before = bench.providerCalls();
    const answer = await rawExchange(bench.gw.url, (socket) => {
      socket.write(head(requestId, `Content-Length: ${10 * 1024 * 1024}\r\n`));
    });
    expect([answer.status, codeOf(JSON.parse(answer.body)), answer.headers.connection]).toEqual([
      413,
      'REQUEST_BODY_TOO_LARGE',
      'close',
    ]);
    expect(answer.closedByServer).toBe(true);
    expect(bench.providerCalls()).toBe(before);
    await expectRecordedRefusal(bench, requestId, 413, 'REQUEST_BODY_TOO_LARGE');
  });

  test('chunked, without Content-Length: refused once the limit is passed', async () => {
    const requestId = `chunked-${Date.now()}`;
    const chunk = `{"query":"${'x'.repeat(4090)}`.slice(0, 4096);
    const answer = await rawExchange(bench.gw.url, async (socket, answered) => {
      socket.write(head(requestId, 'Transfer-Encoding: chunked\r\n'));
      await trickle(socket, answered, `${chunk.length.toString(16)}\r\n${chunk}\r\n`, 5, 1000);
    });
    expect([answer.status, codeOf(JSON.parse(answer.body))]).toEqual([413, 'REQUEST_BODY_TOO_LARGE']);
    expect(answer.closedByServer).toBe(true);
    await expectRecordedRefusal(bench, requestId, 413, 'REQUEST_BODY_TOO_LARGE');
  });

  test('a JSON body one byte over the limit', async () => {
    const body = JSON.stringify({ query: PARKING, x: '' });
    const padded = body.replace('"x":""', `"x":"${'x'.repeat(MAX_BODY_BYTES - body.length + 1)}"`);
    await expectRefused(bench, await bench.send(padded, token), 413, 'REQUEST_BODY_TOO_LARGE');
  });
});

describe('media type: 415 REQUEST_UNSUPPORTED_MEDIA_TYPE', () => {
  test.each([
    ['text/plain'],
    ['multipart/form-data; boundary=x'],
    ['application/graphql'],
    ['application/x-www-form-urlencoded'],
    ['application/graphql-response+json'],
    ['application/vnd.api+json'],
    ['application/json-seq'],
  ])('%s', async (contentType) => {
    await expectRefused(
      bench,
      await bench.send({ query: PARKING }, token, { 'content-type': contentType }),
      415,
      'REQUEST_UNSUPPORTED_MEDIA_TYPE',
    );
  });

  test('no Content-Type at all', async () => {
    const requestId = `no-type-${Date.now()}`;
    const response = await fetch(bench.gw.graphqlUrl, {
      method: 'POST',
      headers: { ...bench.gw.credentials(token), 'x-request-id': requestId },
      body: new TextEncoder().encode(JSON.stringify({ query: PARKING })),
    });
    expect([response.status, codeOf(await response.json())]).toEqual([415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE']);
    await expectRecordedRefusal(bench, requestId, 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });

  test.each([['iso-8859-1'], ['latin1'], ['utf-16'], ['"us-ascii"'], ['']])('charset=%s', async (charset) => {
    const sent = await bench.send({ query: PARKING }, token, {
      'content-type': `application/json; charset=${charset}`,
    });
    await expectRefused(bench, sent, 415, 'REQUEST_UNSUPPORTED_MEDIA_TYPE');
    expect(sent.json.errors[0].extensions.charset).toBe(charset.replace(/"/g, ''));
  });

  test.each([['utf-8'], ['UTF-8'], ['"utf-8"'], ['utf8']])(
    'deliberately accepted: charset=%s (UTF-8 by another spelling)',
    async (charset) => {
      const sent = await bench.send({ query: PARKING }, token, {
        'content-type': `application/json; charset=${charset}`,
      });
      expect([sent.status, sent.json.errors]).toEqual([200, undefined]);
    },
  );
});

/** A body as bytes: the consented document behind a comment holding `bytes`. */
const withCommentBytes = (bytes: Buffer) =>
  Buffer.concat([Buffer.from('{"query":"# '), bytes, Buffer.from(`\\n${PARKING}"}`)]);

async function postBytes(bytes: Buffer) {
  const requestId = `bytes-${Date.now()}-${Math.random()}`;
  const before = bench.providerCalls();
  const response = await fetch(bench.gw.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bench.gw.credentials(token), 'x-request-id': requestId },
    body: new Uint8Array(bytes),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text), requestId, providerCalls: bench.providerCalls() - before };
}

describe('JSON, NUL and UTF-8: 400 REQUEST_BODY_INVALID', () => {
  test('control: the consented document behind a plain comment is answered', async () => {
    const sent = await postBytes(withCommentBytes(Buffer.from('asked by the city')));
    expect([sent.status, sent.providerCalls]).toEqual([200, 3]);
  });

  test.each([
    ['not JSON', '{not json'],
    ['cut short', '{"query": "query Parking {'],
    ['empty', ''],
    ['trailing bytes', `${JSON.stringify({ query: PARKING })} x`],
    ['single quotes', `{'query': 'query Parking { me { id } }'}`],
    ['a raw NUL byte in a string', `{"query":"# \u0000\\n${PARKING}"}`],
  ])('malformed: %s', async (_what, body) => {
    await expectRefused(bench, await bench.send(body, token), 400, 'REQUEST_BODY_INVALID');
  });

  test.each([
    ['in a comment of the consented document', { query: `# \u0000\n${PARKING}` }],
    ['in the operation name', { query: PARKING, operationName: 'Parking\u0000' }],
    ['in a variable value', { query: PARKING, variables: { x: 'a\u0000' } }],
    ['in a variable name', { query: PARKING, variables: { 'x\u0000': 1 } }],
  ])('an escaped NUL (\\u0000) %s', async (_what, body) => {
    const sent = await bench.send(body, token);
    await expectRefused(bench, sent, 400, 'REQUEST_BODY_INVALID');
    expect(sent.json.errors[0].extensions.reason).toBe('the body contains a NUL character');
  });

  test.each([
    ['a byte that is never UTF-8 (0xFF)', [0xff]],
    ['Latin-1 é (0xE9)', [0xe9]],
    ['an overlong NUL (0xC0 0x80)', [0xc0, 0x80]],
    ['an encoded surrogate (0xED 0xA0 0x80)', [0xed, 0xa0, 0x80]],
    ['a truncated sequence (0xE2 0x82)', [0xe2, 0x82]],
  ])('invalid UTF-8 in a comment of the consented document: %s', async (_what, bytes) => {
    const sent = await postBytes(withCommentBytes(Buffer.from(bytes)));
    await expectRefused(bench, sent, 400, 'REQUEST_BODY_INVALID');
    expect(sent.json.errors[0].extensions.reason).toBe('the body is not valid UTF-8');
  });
});

describe('time', () => {
  test('a body trickled past bodyTimeoutMs: 408 REQUEST_BODY_TIMEOUT, the connection closed', async () => {
    const requestId = `slow-body-${Date.now()}`;
    const body = JSON.stringify({ query: PARKING });
    const answer = await rawExchange(bench.gw.url, async (socket, answered) => {
      socket.write(head(requestId, `Content-Length: ${body.length}\r\n`));
      await trickle(socket, answered, body.slice(0, 1), 200, body.length);
    });
    expect([answer.status, codeOf(JSON.parse(answer.body)), answer.headers.connection]).toEqual([
      408,
      'REQUEST_BODY_TIMEOUT',
      'close',
    ]);
    expect(answer.closedByServer).toBe(true);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
    expect(answer.elapsedMs).toBeLessThan(BODY_TIMEOUT_MS + 1500);
    expectNoLeak(answer.body);
    await expectRecordedRefusal(bench, requestId, 408, 'REQUEST_BODY_TIMEOUT');
  });

  test('headers trickled past headersTimeoutMs (slowloris): Node answers 408 and closes; nothing reaches the route', async () => {
    const requestId = `slow-headers-${Date.now()}`;
    const answer = await rawExchange(bench.gw.url, async (socket, answered) => {
      socket.write(`POST /graphql HTTP/1.1\r\nHost: gateway.test\r\nX-Request-Id: ${requestId}\r\n`);
      await trickle(socket, answered, 'X-Padding: x\r\n', 200);
    });
    expect([answer.status, answer.closedByServer]).toEqual([408, true]);
    // Node checks the timeouts every min(1 s, headersTimeoutMs).
    expect(answer.elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS * 2 + 1500);
    expect(await bench.gw.exchangeEvents(requestId)).toEqual([]);
  });

  test('a client that gives up mid-body: recorded as refused, and the gateway goes on serving', async () => {
    const requestId = `gone-${Date.now()}`;
    await rawExchange(
      bench.gw.url,
      (socket) => {
        socket.write(head(requestId, 'Content-Length: 500\r\n'));
        socket.end('{"query":');
      },
      2000,
    );
    const [event] = await waitFor(
      () => bench.gw.exchangeEvents(requestId),
      (events) => events.length > 0,
    );
    expect(event!.data).toMatchObject({ outcome: 'refused', httpStatus: 400, errorCodes: ['REQUEST_BODY_INVALID'] });
    const sent = await bench.send({ query: PARKING }, token);
    expect(sent.status).toBe(200);
    // The broken connection is one log line, without a stack.
    expect(bench.gw.logs.join('')).not.toMatch(/node:_http_server|\\n\s+at /);
  });
});
