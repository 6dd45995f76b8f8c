import type { QueryResultRow } from 'pg';
import type { Pool } from '../db/database.ts';
import { inSpan, SpanKind, tracingEnabled } from '../telemetry/tracing.ts';

/**
 * The database as one request sees it: queries go to the provider's pool and are
 * counted, so the request log says how many a request cost (the DataLoader contract:
 * one query per entity type per request, whatever the GraphQL query shape).
 */
export interface RequestDatabase {
  /**
   * Runs one statement. `name` makes it a prepared statement (parsed and planned once
   * per connection): give one to every statement run on each request.
   */
  query<Row extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<Row[]>;
  /** Statements run so far by this request. */
  readonly queryCount: number;
}

/**
 * `prepared: false` for the embedded PostgreSQL: its socket server funnels every
 * connection into one session, where two connections preparing the same name collide.
 */
export function requestDatabase(pool: Pool, options: { prepared: boolean }): RequestDatabase {
  let queryCount = 0;
  return {
    async query<Row extends QueryResultRow>(name: string, text: string, values: unknown[]) {
      queryCount++;
      const run = () => pool.query<Row>(options.prepared ? { name, text, values } : { text, values });
      // The statement's name only: its text and values (citizen identifiers) stay out of traces.
      const result = tracingEnabled()
        ? await inSpan(
            'subgraph',
            `db.query ${name}`,
            { 'db.system.name': 'postgresql', 'db.operation.name': name },
            run,
            {
              kind: SpanKind.CLIENT,
            },
          )
        : await run();
      return result.rows;
    },
    get queryCount() {
      return queryCount;
    },
  };
}
