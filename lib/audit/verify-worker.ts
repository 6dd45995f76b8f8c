import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/database.ts';
import { verifyShard } from './verify-shard.ts';
import type { ShardTask } from './verify-workers.ts';

/** A thread of verify-workers.ts: verifies each shard it is sent, answers with the result. */
const database = await openDatabase({ databaseUrl: (workerData as { databaseUrl: string }).databaseUrl });
const pool = database.pool({ max: 1, applicationName: 'passerelle-audit-verify' });

parentPort!.on('message', (task: ShardTask) => {
  verifyShard(pool, task.shard, task.signed).then(
    (result) => parentPort!.postMessage({ result }),
    (error: Error) => parentPort!.postMessage({ error: error.message }),
  );
});
