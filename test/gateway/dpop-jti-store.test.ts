import { DpopJtiStore } from '../../gateway/dpop-jti-store.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.pool(), 'gateway', new URL('../../gateway/migrations/', import.meta.url));
});
afterAll(() => db.drop());

test('a jti is single use across two gateway processes (two pools on one database)', async () => {
  const first = new DpopJtiStore(db.pool({ applicationName: 'gateway-a' }), 2000);
  const second = new DpopJtiStore(db.pool({ applicationName: 'gateway-b' }), 2000);
  const expiresAt = new Date(Date.now() + 65_000);
  const results = await Promise.all([first.claim('jti-shared-1', expiresAt), second.claim('jti-shared-1', expiresAt)]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await first.claim('jti-shared-1', expiresAt)).toBe(false);
  expect(await second.claim('jti-other', expiresAt)).toBe(true);
});

test('expired rows are purged, live ones kept', async () => {
  const store = new DpopJtiStore(db.pool(), 2000);
  await store.claim('jti-old', new Date(Date.now() - 1000));
  await store.claim('jti-live', new Date(Date.now() + 60_000));
  expect(await store.purgeExpired()).toBeGreaterThanOrEqual(1);
  expect(await store.claim('jti-old', new Date(Date.now() + 60_000))).toBe(true);
  expect(await store.claim('jti-live', new Date(Date.now() + 60_000))).toBe(false);
});
