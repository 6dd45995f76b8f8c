import { Writable } from 'node:stream';
import type { JWK } from 'jose';
import { startGateway } from '../../../gateway/index.ts';
import { loadGatewayKeys } from '../../../gateway/keys.ts';
import type { RunningComponent } from '../../../lib/component.ts';
import type { Config } from '../../../lib/config/load.ts';
import { loadPlatformConfig } from '../../../bin/config.ts';
import type { Database, Pool } from '../../../lib/db/database.ts';
import { createLogger } from '../../../lib/log.ts';
import { SANDBOX_CLIENT, startPivotIssuer, type PivotIssuer } from '../../../harness/pivot-issuer.ts';
import { BROKER_CLIENT_ID } from '../../../lib/contracts/pivot-token.ts';
import { freePort } from '../../../harness/ports.ts';

/**
 * A gateway started on port 0 with the sandbox configuration, a test pivot-token
 * issuer in place of the broker, and the given provider URLs. Logs are kept in
 * memory so tests can check what is (not) in them.
 */
export interface TestGateway {
  url: string;
  graphqlUrl: string;
  issuer: PivotIssuer;
  config: Config;
  pool: Pool;
  logs: string[];
  /** The `gateway.exchange` events of the audit chain for a request id: citizen and SP columns, and the event's data. */
  exchangeEvents(requestId: string): Promise<Array<{ citizenRef: string | null; clientId: string | null; data: any }>>;
  /**
   * POSTs a GraphQL request as an SP does: `Authorization: DPoP <token>` and a fresh proof
   * signed with the key the issuer bound the token to (none when it bound none). An
   * `authorization` or `dpop` entry in `headers` replaces what would be sent.
   */
  /** The headers an SP sends with `token`: `Authorization: DPoP` and a fresh proof of its key (when the issuer bound one). */
  credentials(token: string): Record<string, string>;
  post(
    body: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; json: any }>;
  close(): Promise<void>;
}

export async function startTestGateway(options: {
  database: Database;
  providerUrls: Record<string, string>;
  overrides?: Array<[string, unknown]>;
  /** Another gateway's issuer: two gateway processes behind one public address. */
  issuer?: PivotIssuer;
  /**
   * The public address (`gateway.url`) when several gateways share one, as behind a load
   * balancer: DPoP proofs name it, requests go to this process's own port.
   */
  publicUrl?: string;
}): Promise<TestGateway> {
  const sandbox = loadPlatformConfig({ env: {} });
  const keys = loadGatewayKeys(sandbox);
  const audience = 'http://gateway.test';
  const ownIssuer = !options.issuer;
  const issuer =
    options.issuer ??
    (await startPivotIssuer({
      gatewayJwks: keys.publicJwks as { keys: JWK[] },
      audience,
      // The broker reads for itself too (a person's companies, docs/companies.md).
      clients: [SANDBOX_CLIENT, 'other-sp', BROKER_CLIENT_ID],
    }));
  const port = options.publicUrl ? await freePort() : 0;
  const config = loadPlatformConfig({
    env: {},
    overrides: [
      ...(options.publicUrl
        ? ([
            ['gateway.url', options.publicUrl],
            ['gateway.port', port],
          ] as Array<[string, unknown]>)
        : []),
      ['gateway.audience', audience],
      ['gateway.pivotToken.issuer', issuer.issuer],
      ['gateway.pivotToken.jwksUri', issuer.jwksUri],
      ...Object.entries(options.providerUrls).map(
        ([name, url]) => [`dataProviders.${name}.url`, url] as [string, unknown],
      ),
      ...(options.overrides ?? []),
    ],
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  let running: RunningComponent;
  try {
    running = await startGateway(
      { config, database: options.database, logger: createLogger('gateway', 'info', sink) },
      { port },
    );
  } catch (error) {
    if (ownIssuer) await issuer.close();
    throw error;
  }
  const pool = options.database.pool({ max: 2 });
  const graphqlUrl = `${running.url}/graphql`;
  const htu = options.publicUrl ? `${options.publicUrl.replace(/\/$/, '')}/graphql` : graphqlUrl;
  const credentials = (token: string) => {
    const key = issuer.dpopKeyFor(token);
    return {
      authorization: `DPoP ${token}`,
      ...(key ? { dpop: key.proof({ htm: 'POST', htu, accessToken: token }) } : {}),
    };
  };
  return {
    url: running.url,
    graphqlUrl,
    issuer,
    config,
    pool,
    logs,
    async exchangeEvents(requestId) {
      const { rows } = await pool.query(
        'SELECT citizen_ref AS "citizenRef", client_id AS "clientId", data FROM audit.events WHERE kind = \'gateway.exchange\' AND data->>\'requestId\' = $1 ORDER BY seq',
        [requestId],
      );
      return rows;
    },
    credentials,
    async post(body, token, headers = {}) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? credentials(token) : {}),
          ...headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, headers: response.headers, json };
    },
    async close() {
      await running.close();
      if (ownIssuer) await issuer.close();
    },
  };
}
