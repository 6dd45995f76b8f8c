import { Worker } from 'node:worker_threads';
import type { SignedHead } from './verify-checkpoints.ts';
import type { ShardVerification } from './verify-shard.ts';

/**
 * Shards verified in worker threads, each with its own connection: recomputing the links
 * (canonical JSON and SHA-256, in JavaScript) is what bounds `audit verify`, and one
 * thread uses one core. Each worker takes the next shard as soon as it is done with one.
 */
const WORKER = new URL('./verify-worker.ts', import.meta.url);

export interface ShardTask {
  shard: number;
  signed: readonly SignedHead[];
}

export async function verifyInWorkers(
  databaseUrl: string,
  tasks: readonly ShardTask[],
  threads: number,
): Promise<ShardVerification[]> {
  const results: ShardVerification[] = new Array(tasks.length);
  const workers: Worker[] = [];
  let next = 0;
  const all = Promise.all(
    Array.from(
      { length: Math.max(1, Math.min(threads, tasks.length)) },
      () =>
        new Promise<void>((resolve, reject) => {
          // The worker is TypeScript like the rest: processes started through tsx pass its loader on; others get it.
          const worker = new Worker(WORKER, {
            workerData: { databaseUrl },
            ...(process.execArgv.some((arg) => arg.includes('tsx')) ? {} : { execArgv: ['--import', 'tsx'] }),
          });
          workers.push(worker);
          let current = -1;
          let finished = false;
          const send = () => {
            if (next >= tasks.length) {
              finished = true;
              resolve();
              return;
            }
            current = next++;
            worker.postMessage(tasks[current]);
          };
          worker.on('message', (message: { result?: ShardVerification; error?: string }) => {
            if (message.error !== undefined) {
              reject(new Error(`audit verify of shard ${tasks[current]!.shard}: ${message.error}`));
              return;
            }
            if (message.result) results[current] = message.result;
            send();
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (!finished) reject(new Error(`an audit verify worker stopped (exit code ${code})`));
          });
          worker.once('online', send);
        }),
    ),
  );
  try {
    await all;
  } finally {
    // After a failure, the other workers stop too.
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
