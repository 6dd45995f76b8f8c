import { inTransaction, type Pool } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { createCheckpoint, type Checkpoint, type SigningKey } from './checkpoint.ts';

/**
 * Periodic signed checkpoints (run by each broker process): every fifth of the interval,
 * one process at a time — whoever gets the advisory lock; the others skip that round —
 * signs the chain head when the chain moved since the last checkpoint and that one is at
 * least `intervalSeconds` old (database clock, so processes on several machines agree).
 * So there is one checkpoint per interval while events arrive, whatever the number of
 * brokers, and none while the chain is idle.
 */
const LOCK = 'passerelle.audit.checkpoint';

export class CheckpointSigner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly pool: Pool, private readonly key: SigningKey, private readonly options: { intervalSeconds: number; logger?: Logger }) {}

  /** One round: the checkpoint signed, or null (another signer busy, chain unchanged, last checkpoint recent enough). */
  async tick(): Promise<Checkpoint | null> {
    return inTransaction(this.pool, async (client) => {
      const { rows: [lock] } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [LOCK]);
      if (!lock!.ok) return null;
      const { rows: [state] } = await client.query<{ seq: number; last: number | null; due: boolean }>(
        `SELECT h.seq, c.last, (c.signed_at IS NULL OR c.signed_at <= now() - make_interval(secs => $1)) AS due
           FROM audit.chain_head h
           LEFT JOIN LATERAL (SELECT seq AS last, signed_at FROM audit.checkpoints ORDER BY seq DESC LIMIT 1) c ON true
          WHERE h.id = 1`, [this.options.intervalSeconds]);
      if (!state || state.seq === 0 || state.seq === state.last || !state.due) return null;
      return createCheckpoint(client, this.key);
    });
  }

  start(): void {
    const periodMs = Math.max(1000, (this.options.intervalSeconds * 1000) / 5);
    this.timer = setInterval(() => {
      this.running = this.tick().then((checkpoint) => {
        if (checkpoint) this.options.logger?.info({ seq: checkpoint.seq }, 'audit checkpoint signed');
      }, (error: Error) => this.options.logger?.error({ err: error.message }, 'audit checkpoint failed'));
    }, periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
