import { randomBytes } from 'node:crypto';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';
import { PARKING, startFaultPlatform, type FaultPlatform } from '../faults/support/platform.ts';
import { attributeStrings, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.ts';

/**
 * Traces across processes: the gateway and every sandbox data provider as real processes
 * exporting to a loopback OTLP/HTTP receiver. One DPoP-bound parking query with an SP's
 * `traceparent` must come back as one trace: the gateway's server span under the SP's span,
 * Apollo's spans under it, each provider's server span under a gateway fetch span, and the
 * providers' token, scope and database spans under theirs. The batch delay is set far beyond
 * the test, so the spans arrive only because SIGTERM flushes them.
 */
const SPAN_ID = /^[0-9a-f]{16}$/;

async function parkingQuery(platform: FaultPlatform, headers: Record<string, string>) {
  const token = platform.tokens[0]!;
  const url = `${platform.gateway.url}/graphql`;
  const proof = platform.issuer.dpopKeyFor(token)!.proof({ htm: 'POST', htu: url, accessToken: token });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `DPoP ${token}`, dpop: proof, ...headers },
    body: JSON.stringify({ query: PARKING, operationName: 'Parking' }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
  return { response, body, token };
}

async function stopAll(platform: FaultPlatform): Promise<void> {
  await platform.gateway.stop();
  await Promise.all(Object.values(platform.providers).map((p) => p.stop()));
}

let receiver: OtlpReceiver;
const delay = process.env.OTEL_BSP_SCHEDULE_DELAY;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Inherited by the processes started: no export before their shutdown.
  process.env.OTEL_BSP_SCHEDULE_DELAY = '600000';
});
afterAll(async () => {
  if (delay === undefined) delete process.env.OTEL_BSP_SCHEDULE_DELAY;
  else process.env.OTEL_BSP_SCHEDULE_DELAY = delay;
  await receiver.close();
});

test('one exchange is one trace through the gateway and every provider it calls', async () => {
  const platform = await startFaultPlatform({ 'telemetry.otlpEndpoint': receiver.url });
  let traceId: string;
  let spParent: string;
  let token: string;
  let requestId: string;
  try {
    traceId = randomBytes(16).toString('hex');
    spParent = randomBytes(8).toString('hex');
    const answer = await parkingQuery(platform, { traceparent: `00-${traceId}-${spParent}-01` });
    token = answer.token;
    expect(answer.response.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    // No x-request-id sent: the request id is the trace id.
    requestId = answer.response.headers.get('x-request-id')!;
    expect(requestId).toBe(traceId);
    // The audit event names the trace.
    const { rows } = await platform.pool.query<{ data: { traceId?: string } }>(
      "SELECT data FROM audit.events WHERE kind = 'gateway.exchange' AND data->>'requestId' = $1",
      [requestId],
    );
    expect(rows.map((r) => r.data.traceId)).toEqual([traceId]);
    // An invalid traceparent is not continued: a trace of its own; a given request id is kept.
    const other = await parkingQuery(platform, { traceparent: '00-not-a-trace-01', 'x-request-id': 'sp-request-1' });
    expect(other.response.status).toBe(200);
    expect(other.response.headers.get('x-request-id')).toBe('sp-request-1');
    expect(receiver.spans).toEqual([]);
    await stopAll(platform);
    expect(await platform.auditVerify()).toMatchObject({ code: 0 });
  } finally {
    await platform.close();
  }

  expect(receiver.requests.every((r) => r.path === '/v1/traces')).toBe(true);
  expect(receiver.requests.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
  const spans = receiver.spans.filter((s) => s.traceId === traceId);
  const fresh = receiver.spans.find(
    (s) => s.name === 'POST /graphql' && s.attributes['passerelle.request_id'] === 'sp-request-1',
  )!;
  expect(fresh.service).toBe('passerelle-gateway');
  expect(fresh.parentSpanId).toBe('');
  expect(fresh.traceId).not.toBe(traceId);
  // Two traces, nothing else.
  expect(new Set(receiver.spans.map((s) => s.traceId))).toEqual(new Set([traceId, fresh.traceId]));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);
  const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
    const parent = parentOf(span);
    return parent ? [parent, ...ancestors(parent)] : [];
  };

  const server = spans.find((s) => s.service === 'passerelle-gateway' && s.name === 'POST /graphql')!;
  expect(server).toBeDefined();
  expect(server.parentSpanId).toBe(spParent);
  expect(server.kind).toBe(2); // SERVER
  expect(server.attributes).toMatchObject({
    'passerelle.request_id': requestId,
    'passerelle.client_id': 'parking-nimes',
    'graphql.operation.name': 'Parking',
    'passerelle.outcome': 'success',
    'http.response.status_code': 200,
  });
  // Every other span hangs, through its parents, from the gateway's server span.
  for (const span of spans) {
    if (span === server) continue;
    expect(SPAN_ID.test(span.parentSpanId)).toBe(true);
    expect(ancestors(span)).toContain(server);
  }
  for (const name of ['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch'])
    expect(spans.some((s) => s.service === 'passerelle-gateway' && s.name === name)).toBe(true);

  const providers = server.attributes['passerelle.providers'] as string[];
  expect(providers.length).toBeGreaterThanOrEqual(3);
  for (const provider of providers) {
    const own = spans.filter((s) => s.service === `passerelle-${provider}`);
    const providerServer = own.find((s) => s.name === 'POST /graphql')!;
    expect(providerServer).toBeDefined();
    expect(parentOf(providerServer)?.name).toBe('gateway.fetch');
    expect(providerServer.attributes).toMatchObject({
      'passerelle.provider': provider,
      'passerelle.request_id': requestId,
      'http.response.status_code': 200,
    });
    const names = own.map((s) => s.name);
    expect(names).toContain('token.verify');
    expect(names).toContain('scope.check');
    expect(names.some((n) => n.startsWith('db.query '))).toBe(true);
    for (const span of own) if (span !== providerServer) expect(ancestors(span)).toContain(providerServer);
  }

  // No token, no JWT at all, no personal data in any attribute.
  const strings = attributeStrings(spans);
  const personal = Object.values(SANDBOX_IDENTITIES).flatMap((pivot) =>
    Object.values(pivot).filter((v): v is string => typeof v === 'string' && v.length >= 5),
  );
  for (const value of strings) {
    expect(value).not.toContain(token);
    expect(value).not.toMatch(/eyJ[\w-]+\./);
    for (const datum of personal) expect(value).not.toContain(datum);
  }
}, 120_000);

test('without an endpoint nothing is exported, and a request id is still a UUID', async () => {
  const before = receiver.requests.length;
  const platform = await startFaultPlatform();
  try {
    const traceId = randomBytes(16).toString('hex');
    const answer = await parkingQuery(platform, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(answer.response.status).toBe(200);
    expect(answer.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const { rows } = await platform.pool.query<{ data: Record<string, unknown> }>(
      "SELECT data FROM audit.events WHERE kind = 'gateway.exchange'",
    );
    expect(rows.length).toBe(1);
    expect(rows[0]!.data).not.toHaveProperty('traceId');
    await stopAll(platform);
  } finally {
    await platform.close();
  }
  expect(receiver.requests.length).toBe(before);
}, 120_000);
