import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../lib/db/embedded.ts';

/** The embedded PostgreSQL must behave like a server for many concurrent `pg` clients. */
let embedded: EmbeddedPostgres;
let pool: pg.Pool;
beforeAll(async () => {
  embedded = await startEmbeddedPostgres();
  pool = new pg.Pool({ connectionString: embedded.url, max: 12 });
  await pool.query('CREATE TABLE items (id serial PRIMARY KEY, owner int NOT NULL, payload text NOT NULL)');
});
afterAll(async () => {
  await pool.end();
  await embedded.stop();
});

describe('embedded PostgreSQL', () => {
  test('concurrent extended-protocol queries with large parameters never mix', async () => {
    // 200 KB parameters arrive in many TCP chunks: each request must still run whole.
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const payload = String(i).padStart(3, '0').repeat(70_000);
        const { rows } = await pool.query('SELECT $1::int AS i, length($2::text) AS n, left($2::text, 3) AS head', [
          i,
          payload,
        ]);
        return rows[0];
      }),
    );
    results.forEach((row, i) => expect(row).toEqual({ i, n: 210_000, head: String(i).padStart(3, '0') }));
  });

  test('concurrent transactions stay whole', async () => {
    await Promise.all(
      Array.from({ length: 20 }, async (_, owner) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO items (owner, payload) VALUES ($1, $2)', [owner, 'x'.repeat(50_000)]);
          await new Promise((r) => setTimeout(r, 2));
          const { rows } = await client.query('SELECT count(*)::int AS n FROM items WHERE owner = $1', [owner]);
          expect(rows[0].n).toBe(1);
          if (owner % 2) await client.query('ROLLBACK');
          else await client.query('COMMIT');
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM items');
    expect(rows[0].n).toBe(10);
  });

  test('a failed statement inside a transaction does not leak into other clients', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await expect(client.query('SELECT 1/0')).rejects.toThrow(/division by zero/);
    const other = pool.query('SELECT 42 AS answer'); // waits for the transaction to end
    await client.query('ROLLBACK');
    client.release();
    expect((await other).rows[0].answer).toBe(42);
  });

  test('a client that disconnects mid-transaction has it rolled back', async () => {
    const client = new pg.Client({ connectionString: embedded.url });
    client.on('error', () => {}); // the connection we cut
    await client.connect();
    await client.query('BEGIN');
    await client.query("INSERT INTO items (owner, payload) VALUES (999, 'lost')");
    client.connection.stream.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM items WHERE owner = 999');
    expect(rows[0].n).toBe(0);
  });
});
