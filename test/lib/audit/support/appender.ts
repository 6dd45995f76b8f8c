import { ExchangeRecorder } from '../../../../gateway/exchange-events.ts';
import { appendEvents } from '../../../../lib/audit/index.ts';
import { inTransaction } from '../../../../lib/db/database.ts';
import pg from 'pg';

/**
 * A child process of test/lib/audit/processes.test.ts: one gateway (its ExchangeRecorder,
 * group commit) or one broker (an action and its events in one transaction, several
 * transactions at once) appending to the shared database. It connects, says `ready`,
 * appends on `go`, reports what was committed and exits.
 *
 * env: AUDIT_DATABASE_URL, AUDIT_ROLE (gateway|broker), AUDIT_ID, AUDIT_COUNT
 */
const role = process.env.AUDIT_ROLE!;
const id = process.env.AUDIT_ID!;
const count = Number(process.env.AUDIT_COUNT);
const pool = new pg.Pool({ connectionString: process.env.AUDIT_DATABASE_URL, max: role === 'gateway' ? 1 : 4 });
await pool.query('SELECT 1');

process.send!({ ready: true });
await new Promise<void>((resolve) => process.once('message', () => resolve()));

let committed = 0;
let failed = 0;
if (role === 'gateway') {
  const recorder = new ExchangeRecorder(pool, { maxBatchSize: 500, writeTimeoutMs: 60_000 });
  // Requests arrive in bursts, as under load.
  for (let burst = 0; burst < count; burst += 25) {
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(25, count - burst) }, (_, i) =>
        recorder.record({
          // Most exchanges are a citizen's; those refused before the token was read are nobody's.
          occurredAt: new Date(),
          requestId: `${id}-${burst + i}`,
          citizenRef: i % 5 ? `${id}-citizen-${i}` : undefined,
          clientId: 'parking-nimes',
          providers: ['dgfip'],
          fields: ['Citizen.taxAddress'],
          scopes: ['dgfip_adresse_fiscale'],
          outcome: 'success',
          httpStatus: 200,
          errorCodes: [],
          durationMs: 1,
        }),
      ),
    );
    for (const r of results)
      if (r.status === 'fulfilled') committed++;
      else failed++;
  }
} else {
  // Each sign-in: an action row and its citizen's two events in one transaction (citizens of many shards).
  const results = await Promise.allSettled(
    Array.from({ length: count / 2 }, (_, i) =>
      inTransaction(pool, async (client) => {
        await client.query('INSERT INTO public.audit_test_actions (writer, n) VALUES ($1, $2)', [id, i]);
        const citizenRef = `${id}-citizen-${i % 40}`;
        await appendEvents(client, [
          { kind: 'broker.sign_in', citizenRef, data: { requestId: `${id}-${2 * i}` } },
          { kind: 'broker.consent_given', citizenRef, data: { requestId: `${id}-${2 * i + 1}` } },
        ]);
      }),
    ),
  );
  for (const r of results)
    if (r.status === 'fulfilled') committed += 2;
    else failed += 2;
}
process.send!({ committed, failed });
await pool.end();
process.disconnect();
