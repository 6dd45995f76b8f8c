import * as oidc from 'openid-client';
import { redeem, signIn, startPlatform, type TestPlatform } from './support/platform.ts';

/**
 * Two broker instances (separate oidc-provider instances, no shared memory)
 * on one PostgreSQL, as behind a load balancer: every step of a sign-in may
 * land on either, so everything the flow needs must be in the database.
 */
let platform: TestPlatform;
beforeAll(async () => {
  platform = await startPlatform({ brokers: 2 });
}, 60000);
afterAll(() => platform.close());

test('a sign-in started on one broker completes on the other', async () => {
  const [a, b] = platform.brokers.map((t) => new URL(t.broker.url));
  expect(a!.port).not.toBe(b!.port);
  const seen = { a: 0, b: 0 };
  // Interaction pages and the IdP callback go to B; authorization and resume stay on A.
  const rewrite = (url: URL) => {
    if (url.origin !== platform.issuer) return url;
    const toB = url.pathname.startsWith('/interaction/') || url.pathname.startsWith('/idp/');
    seen[toB ? 'b' : 'a']++;
    const target = new URL(url);
    target.port = toB ? b!.port : a!.port;
    return target;
  };
  const result = await signIn(platform, { idp: 'laposte', login: 'anne-sophie.lefevre-roy', acr: 'eidas2', rewrite });
  expect(result.landed.origin).toBe('http://localhost:3000');
  expect(seen.a).toBeGreaterThan(0);
  expect(seen.b).toBeGreaterThan(0);

  // The code is redeemed at B; userinfo is read at A.
  const toB = (url: string) => {
    const target = new URL(url);
    if (target.pathname === '/token') target.port = b!.port;
    return target;
  };
  result.client[oidc.customFetch] = (url, options) => fetch(toB(url), options as RequestInit);
  const { claims, userinfo } = await redeem(result);
  expect(claims.acr).toBe('eidas2');
  expect(userinfo.family_name).toBe('Lefèvre-Roy');
});
