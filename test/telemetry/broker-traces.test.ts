import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';
import { BROKER_AND_IDPS, redeem, signIn } from '../auth/support/sign-in.ts';
import { attributeStrings, startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.ts';

/**
 * The broker's spans, in this process (broker and sandbox IdPs via startPlatform, which
 * registers the tracer provider): a sign-in's IdP round trip (idp.start, idp.finish and one
 * client span per back-channel request, whose `traceparent` the IdP receives), token
 * issuance (`POST /token`), all exported to a loopback OTLP receiver when the platform stops.
 */
let receiver: OtlpReceiver;
let platform: TestPlatform | undefined;
/** Every request a server of this process received: its path and traceparent. */
const received: Array<{ path: string; traceparent: string | undefined }> = [];
const onRequest = (message: unknown) => {
  const request = (message as { request: IncomingMessage }).request;
  const traceparent = request.headers.traceparent;
  received.push({ path: request.url ?? '', traceparent: typeof traceparent === 'string' ? traceparent : undefined });
};

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  subscribe('http.server.request.start', onRequest);
});
afterAll(async () => {
  unsubscribe('http.server.request.start', onRequest);
  await platform?.close();
  await receiver.close();
});

test('a sign-in: IdP round-trip spans, traceparent sent to the IdP, token issuance, no personal data', async () => {
  platform = await startTestPlatform({
    components: BROKER_AND_IDPS,
    overrides: [
      ['logLevel', 'silent'],
      ['telemetry.otlpEndpoint', receiver.url],
    ],
  });
  const login = 'marie.dupont';
  const { tokens } = await redeem(await signIn(platform, { idp: 'impots', login }));
  await platform.close();
  platform = undefined;
  const spans = receiver.spans;
  expect(spans.every((s) => s.service === 'passerelle')).toBe(true);

  const finish = spans.find((s) => s.name === 'idp.finish')!;
  expect(finish.attributes).toMatchObject({ 'passerelle.idp': 'impots' });
  expect(spans.find((s) => s.name === 'idp.start')?.attributes).toMatchObject({ 'passerelle.idp': 'impots' });
  // The callback's server span holds the round trip's end.
  expect(spans.find((s) => s.spanId === finish.parentSpanId)?.name).toBe('GET /idp');

  // The code for tokens, then userinfo: client spans under idp.finish, each traceparent received by the IdP.
  const calls = spans.filter((s) => s.parentSpanId === finish.spanId && s.name.startsWith('idp '));
  expect(calls.map((s) => s.name)).toEqual(['idp POST', 'idp GET']);
  for (const call of calls) {
    expect(call.kind).toBe(3); // CLIENT
    expect(call.attributes['http.response.status_code']).toBe(200);
    const at = received.find((r) => r.traceparent === `00-${call.traceId}-${call.spanId}-01`);
    expect(at?.path).toBe(call.attributes['url.path']);
  }

  const issuance = spans.find((s) => s.name === 'POST /token')!;
  expect(issuance.kind).toBe(2); // SERVER
  expect(issuance.attributes).toMatchObject({
    'passerelle.client_id': 'parking-nimes',
    'http.response.status_code': 200,
  });

  const secrets = [tokens.access_token, tokens.id_token!, tokens.refresh_token].filter(Boolean) as string[];
  const personal = Object.values(SANDBOX_IDENTITIES[login]!).filter(
    (v): v is string => typeof v === 'string' && v.length >= 5,
  );
  for (const value of attributeStrings(spans)) {
    for (const secret of secrets) expect(value).not.toContain(secret);
    expect(value).not.toMatch(/eyJ[\w-]+\./);
    for (const datum of [...personal, login]) expect(value).not.toContain(datum);
  }
}, 90_000);
