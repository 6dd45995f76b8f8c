import { inTransaction, type Pool } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { currentHeads, signHeads, type Checkpoint, type SigningKey } from './checkpoint.ts';
import { merkleRoot } from './merkle.ts';

/**
 * Periodic signed checkpoints (run by each broker process): every fifth of the interval,
 * one process at a time — whoever gets the advisory lock; the others skip that round —
 * signs the heads of every shard when one of them moved since the last checkpoint and
 * that one is at least `intervalSeconds` old (database clock, so processes on several
 * machines agree). So there is one checkpoint per interval while events arrive, whatever
 * the number of brokers and shards, and none while the trail is idle.
 */
const LOCK = 'passerelle.audit.checkpoint';

export class CheckpointSigner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly key: SigningKey,
    private readonly options: { intervalSeconds: number; logger?: Logger },
  ) {}

  /** One round: the checkpoint signed, or null (another signer busy, no shard moved, last checkpoint recent enough). */
  async tick(): Promise<Checkpoint | null> {
    return inTransaction(this.pool, async (client) => {
      const {
        rows: [lock],
      } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [LOCK]);
      if (!lock!.ok) return null;
      const heads = await currentHeads(client);
      if (heads.every((head) => head.seq === 0)) return null;
      const {
        rows: [last],
      } = await client.query<{ root: string | null; due: boolean }>(
        `SELECT root, signed_at <= now() - make_interval(secs => $1) AS due FROM audit.checkpoints ORDER BY id DESC LIMIT 1`,
        [this.options.intervalSeconds],
      );
      if (last && (last.root === merkleRoot(heads) || !last.due)) return null;
      return signHeads(client, this.key);
    });
  }

  start(): void {
    const periodMs = Math.max(1000, (this.options.intervalSeconds * 1000) / 5);
    this.timer = setInterval(() => {
      this.running = this.tick().then(
        (checkpoint) => {
          if (checkpoint)
            this.options.logger?.info({ checkpoint: checkpoint.id, root: checkpoint.root }, 'audit checkpoint signed');
        },
        (error: Error) => this.options.logger?.error({ err: error.message }, 'audit checkpoint failed'),
      );
    }, periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
