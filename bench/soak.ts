import type { Server } from 'node:http';
import type { JWK } from 'jose';
import { loadPlatformConfig } from '../bin/config.ts';
import { loadGatewayKeys } from '../gateway/keys.ts';
import { openDatabase, type Database } from '../lib/db/database.ts';
import { operationHash } from '../lib/federation/operation.ts';
import { providerFolders } from '../lib/federation/provider-folders.ts';
import type { DpopKey } from '../harness/dpop-key.ts';
import { startPivotIssuer, type PivotIssuer } from '../harness/pivot-issuer.ts';
import { ensureRegistries, openBenchDatabase } from './database.ts';
import { runLoad } from './load.ts';
import {
  countExchanges,
  GATEWAY_AUDIENCE,
  PARKING_OPERATION,
  parkingScopes,
  sampleCitizens,
  serveJwks,
} from './parking.ts';
import type { ServerProcess } from './processes.ts';
import { runPacedLoad, type PacedLoadResult } from './soak-load.ts';
import { SoakSampler, type IntervalSample } from './soak-sampler.ts';
import {
  minuteDrift,
  minutes,
  rateVerdict,
  summarizeProcess,
  type FlatnessBounds,
  type MinuteDrift,
  type MinuteSummary,
  type ProcessSample,
  type ProcessSummary,
  type RateVerdict,
  type Sent,
} from './soak-stats.ts';
import { startStack } from './stack.ts';

/**
 * `npm run soak`: the parking operation through the full stack (every component in its
 * own process, as bench/run.ts starts it) at a fixed rate for a long time — by default
 * 80 % of what a short full-speed calibration of the same run reached — with each
 * citizen's DPoP-bound pivot token renewed before it expires, as an SP does. The load
 * (bench/soak-load.ts) follows one schedule and stops at the planned duration, however
 * far behind it fell; the requests in flight at the cut are awaited and counted. Every
 * 10 s it samples each process (RSS, event-loop lag), the database connections and
 * the interval's latencies (bench/soak-sampler.ts); at the end it gives the rate reached
 * in each minute against the target, and checks there were no failures, that every
 * answered request left its `gateway.exchange` audit event, that the rate was held and
 * that memory and lag stayed within the bounds (bench/soak-stats.ts, bench/soak-report.ts).
 */
export const SOAK_DATABASE = 'passerelle_soak';
export const BOUNDS: FlatnessBounds = { warmupSeconds: 60, maxRssGrowthMb: 50, maxLagP99Ms: 100 };
const INTERVAL_MS = 10_000;
/** A request unanswered after this is a failure (as autocannon's `timeout: 10` was); it also bounds the drain after the cut. */
const TIMEOUT_MS = 10_000;
/** A schedule this far behind drops its oldest slots rather than bursting them (bench/soak-pacer.ts). */
const MAX_BACKLOG_MS = 1_000;

export interface SoakOptions {
  durationSeconds: number;
  /** Requests per second; undefined: 80 % of the calibration. */
  rate?: number | undefined;
  connections: number;
  calibrationSeconds: number;
  citizens: number;
  sample: number;
  tokenTtlSeconds: number;
  /** Below this fraction of the target rate (overall or in a full minute), the soak did not hold its rate. */
  minRateFraction: number;
  serverUrl?: string | undefined;
  logDir: string;
}

export interface SoakReport {
  options: SoakOptions;
  calibration: { requestsPerSecond: number; p99: number } | null;
  /** The target rate, req/s. */
  rate: number;
  /** Requests the target rate means over the planned duration. */
  planned: number;
  /** Requests sent (each one answered, failed or timed out: none is left uncounted). */
  requests: number;
  answered: number;
  non200: number;
  transportErrors: number;
  timeouts: number;
  /** Slots of the schedule dropped because every connection was busy. */
  missedSlots: number;
  inFlightAtCut: number;
  drainSeconds: number;
  renewals: number;
  exchangeEvents: number;
  minutes: MinuteSummary[];
  rateVerdict: RateVerdict;
  /** First vs last full minute; null under two full minutes. */
  drift: MinuteDrift | null;
  processes: Record<string, ProcessSummary>;
  /** This process (load generator and token issuer): reported, not judged. */
  loadGenerator: ProcessSummary;
  /** Every 10 s sample of every process, this one as `load-generator`. */
  processSamples: Record<string, ProcessSample[]>;
  pgConnections: { min: number; max: number } | null;
  bounds: FlatnessBounds;
  intervals: IntervalSample[];
  seconds: number;
}

/** An SP's hold on one citizen's token: renewed at a random point of its last half of life (SPs do not all renew at once). */
interface Held {
  token: string;
  key: DpopKey;
  renewAt: number;
}

export async function runSoak(options: SoakOptions, log: (line: string) => void): Promise<SoakReport> {
  const database: Database = options.serverUrl
    ? await openBenchDatabase({ serverUrl: options.serverUrl }, SOAK_DATABASE)
    : await openDatabase({});
  const servers: ServerProcess[] = [];
  let jwksServer: Server | undefined;
  let issuer: PivotIssuer | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  const probe = database.pool({ max: 1, applicationName: 'passerelle-soak-sampler' });
  try {
    const config = loadPlatformConfig({ env: {} });
    const seed = await ensureRegistries(database, providerFolders(config), options.citizens, log);
    const households = Math.min(...seed.registries.map((r) => r.households));
    if (!households) throw new Error('the registries hold no synthetic household');
    const keys = loadGatewayKeys(config);
    const jwks = await serveJwks({ keys: keys.publicJwks.keys });
    jwksServer = jwks.server;
    issuer = await startPivotIssuer({ gatewayJwks: keys.publicJwks as { keys: JWK[] }, audience: GATEWAY_AUDIENCE });
    const { scopes } = parkingScopes(config);
    const { gateway } = await startStack(
      config,
      {
        databaseUrl: database.url,
        jwksUri: jwks.jwksUri,
        pivotIssuer: issuer,
        tokenCache: true,
        logDir: options.logDir,
      },
      servers,
    );

    const citizens = sampleCitizens(issuer, households, options.sample);
    const operations = [{ hash: operationHash(PARKING_OPERATION), operationName: 'Parking', scopes }];
    const ttl = options.tokenTtlSeconds;
    const issue = async (i: number, key?: DpopKey): Promise<Held> => {
      const c = citizens[i]!;
      const issued = await issuer!.issue({
        accountId: c.accountId,
        pivot: c.pivot,
        acr: 'eidas1',
        ttlSeconds: ttl,
        operations,
        ...(key ? { dpopKey: key } : {}),
      });
      return {
        token: issued.token,
        key: issued.dpopKey,
        renewAt: Date.now() + ttl * 1000 * (0.5 + 0.4 * Math.random()),
      };
    };
    log(`issuing ${citizens.length} pivot tokens (lifetime ${ttl} s, renewed before expiry)…`);
    const held = await Promise.all(citizens.map((_, i) => issue(i)));
    let renewals = 0;
    let renewing = false;
    renewTimer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      void (async () => {
        for (let i = 0; i < held.length; i++) {
          if (held[i]!.renewAt > Date.now()) continue;
          held[i] = await issue(i, held[i]!.key);
          renewals++;
        }
      })().finally(() => (renewing = false));
    }, 1000);

    const htu = `${gateway.url}/graphql`;
    const body = JSON.stringify({ query: PARKING_OPERATION, operationName: 'Parking' });
    const next = (i: number) => {
      const { token, key } = held[i % held.length]!;
      return {
        headers: { authorization: `DPoP ${token}`, dpop: key.proof({ htm: 'POST', htu, accessToken: token }) },
        body,
      };
    };
    await checkAnswers(htu, next, Math.min(20, held.length));

    const loadBegan = new Date();
    let calibration: SoakReport['calibration'] = null;
    let rate = options.rate;
    if (rate === undefined) {
      log(`calibrating: ${options.calibrationSeconds} s at full speed (${options.connections} connections)…`);
      await runLoad({ name: 'warm-up', url: htu, connections: options.connections, durationSeconds: 5, next });
      const measured = await runLoad({
        name: 'calibration',
        url: htu,
        connections: options.connections,
        durationSeconds: options.calibrationSeconds,
        next,
      });
      if (measured.non2xx || measured.errors || measured.timeouts) throw new Error('the calibration had failures');
      calibration = { requestsPerSecond: measured.requestsPerSecond, p99: measured.p99 };
      rate = Math.max(1, Math.round(measured.requestsPerSecond * 0.8));
      log(
        `calibration: ${measured.requestsPerSecond.toFixed(0)} req/s, p99 ${measured.p99} ms → soak rate ${rate} req/s`,
      );
    }
    // Requests of the calibration still in flight when it stopped are answered (and audited) before the soak's window opens.
    await auditQuiet(database, loadBegan);

    const sampler = new SoakSampler(
      servers.filter((s) => s.role === 'gateway' || s.role.startsWith('subgraph:')),
      probe,
    );
    const started = new Date();
    const planned = Math.round(rate * options.durationSeconds);
    log(
      `soaking: ${rate} req/s for ${options.durationSeconds} s (${planned} requests planned, ${options.connections} connections)…`,
    );
    const counts = { answered: 0, non200: 0, transportErrors: 0, timeouts: 0 };
    const sent: Sent[] = [];
    const renewalsBefore = renewals;
    const logLast = () => {
      const last = sampler.intervals[sampler.intervals.length - 1]!;
      log(
        `  ${last.at.toFixed(0)} s: ${last.requestsPerSecond.toFixed(0)} req/s, p50 ${last.p50.toFixed(1)} ms, p99 ${last.p99.toFixed(1)} ms, ${counts.non200 + counts.transportErrors + counts.timeouts} failed, ${renewals - renewalsBefore} renewals`,
      );
    };
    const timer = setInterval(() => {
      // A tick at the cut is left to the final sample, which covers the drain too (else a 0.2 s "interval").
      if (sampler.elapsedSeconds() > options.durationSeconds - INTERVAL_MS / 2000) return;
      void sampler.sample().then(logLast);
    }, INTERVAL_MS);
    sampler.start();
    let load: PacedLoadResult;
    try {
      load = await runPacedLoad({
        url: htu,
        rate,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        timeoutMs: TIMEOUT_MS,
        maxBacklogMs: MAX_BACKLOG_MS,
        next,
        onSent: (s) => {
          sent.push(s);
          if (s.status === 200) counts.answered++;
          else if (s.status !== null) counts.non200++;
          else if (s.error === 'timeout') counts.timeouts++;
          else counts.transportErrors++;
          if (s.status !== null) sampler.record(s.ms);
        },
      });
    } finally {
      clearInterval(timer);
    }
    await sampler.sample();
    logLast();
    sampler.stop();
    const seconds = (Date.now() - started.getTime()) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const exchangeEvents = await countExchanges(database, started);

    const windows = minutes(sent, options.durationSeconds, rate);
    const connections = sampler.intervals.map((s) => s.pgConnections).filter((n): n is number => n !== null);
    return {
      options,
      calibration,
      rate,
      planned: load.planned,
      requests: sent.length,
      ...counts,
      missedSlots: load.missed,
      inFlightAtCut: load.inFlightAtCut,
      drainSeconds: load.drainSeconds,
      renewals: renewals - renewalsBefore,
      exchangeEvents,
      minutes: windows,
      rateVerdict: rateVerdict(windows, options.durationSeconds, rate, options.minRateFraction),
      drift: minuteDrift(windows),
      processes: Object.fromEntries(
        [...sampler.processes].map(([role, samples]) => [role, summarizeProcess(samples, BOUNDS)]),
      ),
      loadGenerator: summarizeProcess(sampler.generator, BOUNDS),
      processSamples: { ...Object.fromEntries(sampler.processes), 'load-generator': sampler.generator },
      pgConnections: connections.length ? { min: Math.min(...connections), max: Math.max(...connections) } : null,
      bounds: BOUNDS,
      intervals: sampler.intervals,
      seconds,
    };
  } finally {
    clearInterval(renewTimer);
    for (const server of servers.reverse()) await server.stop();
    await issuer?.close();
    jwksServer?.closeAllConnections();
    jwksServer?.close();
    await probe.end().catch(() => {});
    await database.close();
  }
}

/** Waits until no `gateway.exchange` event has been added for a second (at most 15 s). */
async function auditQuiet(database: Database, since: Date): Promise<void> {
  let before = await countExchanges(database, since);
  for (let waited = 0; waited < 15_000; waited += 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await countExchanges(database, since);
    if (now === before) return;
    before = now;
  }
}

/** Before any load: the gateway answers the sampled citizens with data (else the soak would measure empty answers). */
async function checkAnswers(
  url: string,
  next: (i: number) => { headers: Record<string, string>; body: string },
  count: number,
): Promise<void> {
  let known = 0;
  for (let i = 0; i < count; i++) {
    const { headers, body } = next(i);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const json = (await response.json()) as { data?: { me?: { taxAddress?: unknown } }; errors?: unknown[] };
    if (response.status !== 200 || json.errors)
      throw new Error(`the gateway answered ${response.status} ${JSON.stringify(json.errors)}`);
    if (json.data?.me?.taxAddress) known++;
  }
  if (!known) throw new Error(`the registries know none of the ${count} first sampled citizens`);
}
