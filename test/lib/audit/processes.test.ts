import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SHARD_COUNT, migrateAudit, verifyChain } from '../../../lib/audit/index.ts';
import type { Pool } from '../../../lib/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';

/**
 * Several OS processes append to one database at once — gateways through their
 * ExchangeRecorder (group commit), brokers with appendEvents inside their own
 * transactions — and every shard stays one valid chain, with no lost row. On the embedded
 * database, the children reach the PGlite served by this process over loopback.
 */
const APPENDER = fileURLToPath(new URL('./support/appender.ts', import.meta.url));
const PER_PROCESS = 300;

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  await migrateAudit(pool);
  await pool.query('CREATE TABLE public.audit_test_actions (writer text NOT NULL, n integer NOT NULL)');
});
afterAll(() => db.drop());

function start(
  role: 'gateway' | 'broker',
  id: string,
): { child: ChildProcess; ready: Promise<void>; done: Promise<{ committed: number; failed: number }> } {
  const child = fork(APPENDER, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      AUDIT_DATABASE_URL: db.url,
      AUDIT_ROLE: role,
      AUDIT_ID: id,
      AUDIT_COUNT: String(PER_PROCESS),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Array<(m: any) => void> = [];
  child.on('message', (m) => messages.shift()?.(m));
  const next = () =>
    new Promise<any>((resolve, reject) => {
      messages.push(resolve);
      child.once('exit', (code) => reject(new Error(`${id} exited with code ${code}`)));
    });
  const ready = next().then(() => undefined);
  const done = ready.then(next);
  return { child, ready, done };
}

test('gateways and brokers in separate processes append at once: exact row count, every shard a valid chain', async () => {
  const writers = [start('gateway', 'gw1'), start('gateway', 'gw2'), start('broker', 'br1'), start('broker', 'br2')];
  await Promise.all(writers.map((w) => w.ready));
  for (const w of writers) w.child.send('go');
  const results = await Promise.all(writers.map((w) => w.done));
  expect(results).toEqual(writers.map(() => ({ committed: PER_PROCESS, failed: 0 })));

  const total = writers.length * PER_PROCESS;
  const {
    rows: [counts],
  } = await pool.query(
    "SELECT count(*)::int AS n, count(DISTINCT data->>'requestId')::int AS distinct, max(seq)::int AS max FROM audit.events",
  );
  expect(counts).toEqual({ n: total, distinct: total, max: total });
  const { rows: perWriter } = await pool.query(
    "SELECT split_part(data->>'requestId', '-', 1) AS writer, count(*)::int AS n FROM audit.events GROUP BY 1 ORDER BY 1",
  );
  expect(perWriter).toEqual(['br1', 'br2', 'gw1', 'gw2'].map((writer) => ({ writer, n: PER_PROCESS })));
  // Every broker action committed with its events, and only those.
  expect((await pool.query('SELECT count(*)::int AS n FROM public.audit_test_actions')).rows[0].n).toBe(PER_PROCESS);
  // Writers really interleaved: the trail switches writer many times.
  const {
    rows: [switches],
  } = await pool.query(`SELECT count(*)::int AS n FROM (
    SELECT split_part(data->>'requestId', '-', 1) <> lag(split_part(data->>'requestId', '-', 1)) OVER (ORDER BY seq) AS switched FROM audit.events) s WHERE switched`);
  expect(switches.n).toBeGreaterThan(writers.length);
  // Each citizen's events in its own shard, every shard's chain valid.
  const { rows: misplaced } = await pool.query(
    'SELECT seq FROM audit.events WHERE citizen_ref IS NOT NULL AND shard <> audit.shard_of(citizen_ref, (SELECT shard_count FROM audit.layout))',
  );
  expect(misplaced).toEqual([]);
  const verification = await verifyChain(pool, []);
  expect(verification).toMatchObject({ ok: true, events: total, checkpoints: 0, broken: [] });
  expect(verification.shards).toHaveLength(DEFAULT_SHARD_COUNT);
  expect(verification.shards.filter((s) => s.events > 0).length).toBeGreaterThan(DEFAULT_SHARD_COUNT / 2);
}, 120_000);
