import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import { freePort } from '../../harness/ports.ts';
import { startTestPlatform, type TestPlatform } from '../../harness/platform.ts';
import { BROKER_AND_IDPS, redeem, signIn } from './support/sign-in.ts';

/**
 * Two broker processes on one PostgreSQL, as behind a load balancer: broker A
 * in this process, broker B a separate Node process (same configuration and
 * issuer, another port). Steps of one sign-in alternate between them, so
 * everything the flow needs must be in the database.
 */
let platform: TestPlatform;
let child: ChildProcess;
let brokerB: URL;

beforeAll(async () => {
  platform = await startTestPlatform({ components: BROKER_AND_IDPS });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: platform.database.url,
    BROKER_PORT: String(port),
    PASSERELLE__logLevel: 'silent',
    PASSERELLE__broker__issuer: platform.issuer,
  };
  for (const [path, value] of platform.overrides.filter(([path]) => path !== 'logLevel'))
    env[`PASSERELLE__${path.split('.').join('__')}`] = typeof value === 'string' ? value : JSON.stringify(value);
  const script = fileURLToPath(new URL('./support/broker-process.ts', import.meta.url));
  child = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`broker process exited (${code})`)));
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const ready = /READY (\S+)/.exec(output);
      if (ready) {
        brokerB = new URL(ready[1]!);
        resolve();
      }
    });
  });
}, 60000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await platform?.close();
});

test('a sign-in started on one broker process completes on the other', async () => {
  const a = new URL(platform.broker.url);
  expect(brokerB.port).not.toBe(a.port);
  const seen = { a: 0, b: 0 };
  // Interaction pages and the IdP callback go to B; authorization and resume stay on A.
  const rewrite = (url: URL) => {
    if (url.origin !== platform.issuer) return url;
    const toB = url.pathname.startsWith('/interaction/') || url.pathname.startsWith('/idp/');
    seen[toB ? 'b' : 'a']++;
    const target = new URL(url);
    target.port = toB ? brokerB.port : a.port;
    return target;
  };
  const result = await signIn(platform, { idp: 'laposte', login: 'anne-sophie.lefevre-roy', acr: 'eidas2', rewrite });
  expect(result.landed.origin).toBe('http://localhost:3000');
  expect(seen.a).toBeGreaterThan(0);
  expect(seen.b).toBeGreaterThan(0);

  // The code is redeemed at B; userinfo is read at A.
  result.client[oidc.customFetch] = (url, options) => {
    const target = new URL(url);
    if (target.pathname === '/token') target.port = brokerB.port;
    return fetch(target, options as RequestInit);
  };
  const { claims, userinfo } = await redeem(result);
  expect(claims.acr).toBe('eidas2');
  expect(userinfo.family_name).toBe('Lefèvre-Roy');
}, 30000);
