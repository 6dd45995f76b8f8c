import * as jose from 'jose';
import Provider from 'oidc-provider';
import * as client from 'openid-client';
import { PGlite } from '@electric-sql/pglite';

test('esm libs load', async () => {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
  const jwt = await new jose.SignJWT({ a: 1 })
    .setProtectedHeader({ alg: 'ES256' })
    .setExpirationTime('1m')
    .sign(privateKey);
  const { payload } = await jose.jwtVerify(jwt, publicKey);
  expect(payload.a).toBe(1);
  const jwe = await new jose.CompactEncrypt(new TextEncoder().encode('x'))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
    .encrypt((await jose.generateKeyPair('ECDH-ES')).publicKey);
  expect(typeof jwe).toBe('string');
  expect(typeof Provider).toBe('function');
  expect(typeof client.discovery).toBe('function');
  const db = new PGlite();
  const r = await db.query('select 1 as x');
  expect(r.rows[0]).toEqual({ x: 1 });
});
