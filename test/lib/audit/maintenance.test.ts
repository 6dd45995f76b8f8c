import { loadPlatformConfig } from '../../../bin/config.ts';
import { inTransaction, type Pool } from '../../../lib/db/database.ts';
import {
  appendEvents,
  CheckpointSigner,
  checkpointKey,
  DEFAULT_SHARD_COUNT,
  ensurePartitions,
  migrateAudit,
  shardOf,
  type SigningKey,
} from '../../../lib/audit/index.ts';
import { resetAudit, tamper } from '../../helpers/audit-trail.ts';
import type { Jwks } from '../../../lib/keys.ts';
import { purgeCutoff, run as auditCommand } from '../../../bin/commands/audit.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';

/** Periodic signed checkpoints, partitions, and `passerelle audit` on the configured retention. */
let db: TestDatabase;
let pool: Pool;
let key: SigningKey;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  await migrateAudit(pool);
  // The sandbox broker's key: `passerelle audit verify` checks with the configured broker keys.
  const config = loadPlatformConfig({ env: {} });
  key = await checkpointKey(config.secretJson<Jwks>(config.broker.keys, 'broker.keys'));
});
afterAll(() => db.drop());

const reset = () => resetAudit(pool);

/** `n` events of one citizen (one shard); returns their seqs. */
const append = async (n: number, occurredAt?: Date, citizenRef = 'citizen-a') =>
  (
    await inTransaction(pool, (c) =>
      appendEvents(
        c,
        Array.from({ length: n }, (_, i) => ({
          kind: 'test.event',
          citizenRef,
          data: { i },
          ...(occurredAt ? { occurredAt } : {}),
        })),
      ),
    )
  ).map((e) => e.seq);
/** The head of citizen-a's shard in each checkpoint, in signing order. */
const checkpointSeqs = async () =>
  (
    await pool.query<{ seq: number }>(
      'SELECT h.seq FROM audit.checkpoints c JOIN audit.checkpoint_heads h ON h.checkpoint_id = c.id AND h.shard = $1 ORDER BY c.id',
      [shardOf('citizen-a', DEFAULT_SHARD_COUNT)],
    )
  ).rows.map((r) => r.seq);

/** Runs `passerelle audit …` against the test database; returns its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const { log, error } = console;
  console.log = console.error = (line: string) => {
    lines.push(line);
  };
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = db.url;
  try {
    return { code: await auditCommand(args), out: lines.join('\n') };
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    Object.assign(console, { log, error });
  }
}

describe('periodic signed checkpoints', () => {
  beforeEach(reset);

  test('one when the chain moved and the last is old enough; none while idle or too recent', async () => {
    const signer = new CheckpointSigner(pool, key, { intervalSeconds: 3600 });
    expect(await signer.tick()).toBeNull(); // every shard empty
    const first = await append(3);
    expect(await signer.tick()).toMatchObject({ created: true, heads: expect.any(Array) });
    expect(await signer.tick()).toBeNull(); // unchanged
    const second = await append(2, undefined, 'citizen-b');
    expect(await signer.tick()).toBeNull(); // moved, but the last checkpoint is not an hour old
    expect(await new CheckpointSigner(pool, key, { intervalSeconds: 0 }).tick()).toMatchObject({ created: true });
    expect(await new CheckpointSigner(pool, key, { intervalSeconds: 0 }).tick()).toBeNull(); // no shard moved since
    expect(await checkpointSeqs()).toEqual([first[2], first[2]]);
    const { rows } = await pool.query(
      'SELECT h.seq FROM audit.checkpoint_heads h WHERE h.shard = $1 ORDER BY h.checkpoint_id',
      [shardOf('citizen-b', DEFAULT_SHARD_COUNT)],
    );
    expect(rows.map((r) => r.seq).at(-1)).toBe(second[1]);
  });

  test('several brokers: one signer at a time (advisory lock), one checkpoint per round', async () => {
    const seqs = await append(4);
    // (On the embedded database every connection shares one session, whose transactions run one
    // after the other: a held transaction blocks everyone, and that serialization is the exclusion.)
    if (!db.embedded) {
      const holder = await pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query("SELECT pg_advisory_xact_lock(hashtext('passerelle.audit.checkpoint'))");
        // Another broker is signing: this one skips its round.
        expect(await new CheckpointSigner(pool, key, { intervalSeconds: 0 }).tick()).toBeNull();
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
    }
    const brokers = Array.from(
      { length: 4 },
      () => new CheckpointSigner(db.pool({ max: 1 }), key, { intervalSeconds: 0 }),
    );
    const signed = (await Promise.all(brokers.map((b) => b.tick()))).filter(Boolean);
    expect(signed).toHaveLength(1);
    expect(await checkpointSeqs()).toEqual([seqs[3]]);
  });

  test('the timer signs while running and stops cleanly', async () => {
    const signer = new CheckpointSigner(pool, key, { intervalSeconds: 1 });
    signer.start();
    let seqs: number[] = [];
    try {
      seqs = await append(2);
      await new Promise((r) => setTimeout(r, 2500));
      expect(await checkpointSeqs()).toEqual([seqs[1]]);
    } finally {
      await signer.stop();
    }
    const { code, out } = await cli(['verify']);
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      ...Array.from({ length: DEFAULT_SHARD_COUNT }, (_, shard) =>
        shard === shardOf('citizen-a', DEFAULT_SHARD_COUNT)
          ? `shard ${shard}: OK, 2 events, head at event ${seqs[1]}`
          : `shard ${shard}: OK, 0 events`,
      ),
      `audit chain OK: 2 events in ${DEFAULT_SHARD_COUNT} shards, 1 signed checkpoints`,
    ]);
  });
});

describe('passerelle audit checkpoint and verify, shard by shard', () => {
  beforeEach(reset);

  test('checkpoint signs every head once; verify names the broken shard and the link, and exits 1', async () => {
    expect(await cli(['checkpoint'])).toEqual({ code: 0, out: 'nothing to sign: every shard is empty' });
    const seqs = await append(3);
    const shard = shardOf('citizen-a', DEFAULT_SHARD_COUNT);
    const signed = await cli(['checkpoint']);
    expect(signed).toEqual({
      code: 0,
      out: expect.stringMatching(
        new RegExp(
          `^checkpoint \\d+ signed: the heads of ${DEFAULT_SHARD_COUNT} shards \\(Merkle root [0-9a-f]{64}\\)\n  shard ${shard}: head at event ${seqs[2]}$`,
        ),
      ),
    });
    expect((await cli(['checkpoint'])).out).toMatch(/were already signed at .*: nothing new to sign/);
    await tamper(pool, `UPDATE audit.events SET data = '{"i": 9}' WHERE seq = $1`, [seqs[1]]);
    const { code, out } = await cli(['verify']);
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[shard]).toBe(
      `shard ${shard}: BROKEN at event ${seqs[1]}: its content does not match its hash: altered (1 events verified before it)`,
    );
    expect(lines.filter((l) => l.includes('BROKEN'))).toHaveLength(2);
    expect(lines.at(-1)).toBe(
      `audit chain BROKEN: 1 problem, the first at shard ${shard}, event ${seqs[1]}: its content does not match its hash: altered`,
    );
  });
});

describe('retention with passerelle audit purge', () => {
  beforeEach(reset);

  test('without --before, the configured retention period is the cutoff', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    expect(purgeCutoff(undefined, 365, now)).toEqual(new Date('2025-11-25T12:00:00Z'));
    expect(purgeCutoff('2026-01-01', 365, now)).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(purgeCutoff('last year', 365, now)).toBeNull();
    expect(loadPlatformConfig({ env: {} }).audit).toEqual({
      checkpointIntervalSeconds: 300,
      retentionDays: 365,
      partitionsAhead: 3,
      shards: DEFAULT_SHARD_COUNT,
    });
  });

  test('purges up to the last signed checkpoint older than the retention, and the rest still verifies', async () => {
    const old = new Date(Date.now() - 400 * 86_400_000);
    const signed = await append(5, old);
    await new CheckpointSigner(pool, key, { intervalSeconds: 0 }).tick();
    await append(2, old); // older than the retention, but after the last checkpoint: kept
    await append(3);
    const purge = await cli(['purge']);
    expect(purge).toEqual({
      code: 0,
      out: expect.stringMatching(
        new RegExp(
          `\\(audit\\.retentionDays: 365\\): 5 removed in 1 of ${DEFAULT_SHARD_COUNT} shards\n` +
            `  shard ${shardOf('citizen-a', DEFAULT_SHARD_COUNT)}: 5 removed; its chain now starts after signed event ${signed[4]}$`,
        ),
      ),
    });
    expect(await cli(['verify'])).toEqual({
      code: 0,
      out: expect.stringMatching(
        new RegExp(`\naudit chain OK: 5 events in ${DEFAULT_SHARD_COUNT} shards, 1 signed checkpoints$`),
      ),
    });
    expect(await cli(['purge', '--before', 'soon'])).toMatchObject({ code: 2 });
  });
});

test('monthly partitions on UTC months, created ahead idempotently, each refusing TRUNCATE', async () => {
  const month = (offset: number) => {
    const now = new Date();
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
    return `events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const partitions = async () =>
    (
      await pool.query<{ name: string }>(
        "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit.events'::regclass ORDER BY 1",
      )
    ).rows.map((r) => r.name);
  expect(await partitions()).toEqual(
    expect.arrayContaining([month(0), month(1), month(2), month(3), 'events_default']),
  );
  expect(await ensurePartitions(pool, 3)).toBe(0);
  expect(
    await Promise.all([ensurePartitions(db.pool({ max: 1 }), 4), ensurePartitions(db.pool({ max: 1 }), 4)]),
  ).toEqual(expect.arrayContaining([0, 1]));
  expect(await partitions()).toContain(month(4));
  await expect(pool.query(`TRUNCATE audit.${month(0)}`)).rejects.toThrow(/append-only/);
  await expect(pool.query(`DELETE FROM audit.${month(0)}`)).rejects.toThrow(/append-only/);
});
