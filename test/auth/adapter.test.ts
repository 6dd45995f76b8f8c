import { errors } from 'oidc-provider';
import { migrate } from '../../lib/db/migrate.ts';
import type { Pool } from '../../lib/db/database.ts';
import { PostgresAdapter, sweepExpired } from '../../auth/adapter/postgres-adapter.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';

/** The adapter keeps oidc-provider's storage semantics, on PostgreSQL. */
let db: TestDatabase;
let pool: Pool;
const adapter = (model: string) => new PostgresAdapter(pool, model);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  await migrate(pool, 'auth', new URL('../../auth/migrations/', import.meta.url));
});
afterAll(() => db.drop());

test('upsert then find returns the payload; upsert again replaces it', async () => {
  const codes = adapter('AuthorizationCode');
  await codes.upsert('c1', { kind: 'AuthorizationCode', grantId: 'g1', jti: 'c1' }, 60);
  expect(await codes.find('c1')).toEqual({ kind: 'AuthorizationCode', grantId: 'g1', jti: 'c1' });
  await codes.upsert('c1', { kind: 'AuthorizationCode', grantId: 'g1', jti: 'c1', scope: 'openid' }, 60);
  expect((await codes.find('c1'))?.scope).toBe('openid');
  expect(await adapter('AccessToken').find('c1')).toBeUndefined();
});

test('an expired entry is not found and is swept', async () => {
  const interactions = adapter('Interaction');
  await interactions.upsert('i1', { kind: 'Interaction' }, 1);
  expect(await interactions.find('i1')).toBeDefined();
  await sleep(1100);
  expect(await interactions.find('i1')).toBeUndefined();
  expect(await sweepExpired(pool)).toBeGreaterThanOrEqual(1);
});

test('an entry without expiry stays', async () => {
  await adapter('Grant').upsert('g-forever', { kind: 'Grant' });
  expect(await adapter('Grant').find('g-forever')).toEqual({ kind: 'Grant' });
});

test('consume marks the entry consumed (epoch seconds) and keeps it findable', async () => {
  const codes = adapter('AuthorizationCode');
  await codes.upsert('c2', { kind: 'AuthorizationCode', grantId: 'g2' }, 60);
  const before = Math.floor(Date.now() / 1000);
  await codes.consume('c2');
  const found = await codes.find('c2');
  expect(found?.consumed).toBeGreaterThanOrEqual(before - 1);
});

test('a second concurrent consume fails and revokes the grant', async () => {
  const codes = adapter('AuthorizationCode');
  await codes.upsert('c3', { kind: 'AuthorizationCode', grantId: 'g3' }, 60);
  await adapter('AccessToken').upsert('at3', { kind: 'AccessToken', grantId: 'g3' }, 60);
  await adapter('Grant').upsert('g3', { kind: 'Grant' }, 60);
  const results = await Promise.allSettled([codes.consume('c3'), codes.consume('c3')]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect(failure.reason).toBeInstanceOf(errors.InvalidGrant);
  expect(await adapter('AccessToken').find('at3')).toBeUndefined();
  expect(await adapter('Grant').find('g3')).toBeUndefined();
});

test("revokeByGrantId removes that model's entries of the grant only", async () => {
  await adapter('AccessToken').upsert('at4', { kind: 'AccessToken', grantId: 'g4' }, 60);
  await adapter('AccessToken').upsert('at5', { kind: 'AccessToken', grantId: 'g5' }, 60);
  await adapter('AuthorizationCode').upsert('c4', { kind: 'AuthorizationCode', grantId: 'g4' }, 60);
  await adapter('AccessToken').revokeByGrantId('g4');
  expect(await adapter('AccessToken').find('at4')).toBeUndefined();
  expect(await adapter('AccessToken').find('at5')).toBeDefined();
  expect(await adapter('AuthorizationCode').find('c4')).toBeDefined();
});

test('sessions are found by uid; device codes by user code', async () => {
  await adapter('Session').upsert('s1', { kind: 'Session', uid: 'u1', accountId: 'a1' }, 60);
  expect((await adapter('Session').findByUid('u1'))?.accountId).toBe('a1');
  await adapter('DeviceCode').upsert('d1', { kind: 'DeviceCode', userCode: 'ABCD-EFGH' }, 60);
  expect(await adapter('DeviceCode').findByUserCode('ABCD-EFGH')).toBeDefined();
  await adapter('Session').destroy('s1');
  expect(await adapter('Session').findByUid('u1')).toBeUndefined();
});

test('replay detection: a live entry cannot be written twice, an expired one can', async () => {
  const replay = adapter('ReplayDetection');
  await replay.upsert('j1', { kind: 'ReplayDetection', iss: 'sp' }, 1);
  await expect(replay.upsert('j1', { kind: 'ReplayDetection', iss: 'sp' }, 1)).rejects.toBeInstanceOf(
    errors.InvalidClientAuth,
  );
  await sleep(1100);
  await replay.upsert('j1', { kind: 'ReplayDetection', iss: 'sp' }, 1);
});
