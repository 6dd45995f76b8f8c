/**
 * `/health/ready`: the gateway can serve exchanges when its supergraph is loaded, its
 * revocation list is fresh and every provider is ready — its `GET /health/ready`
 * (relative to its configured URL) answers 200 within `timeoutMs`. Results are
 * cached for `cacheMs` so that load balancers probing often do not load the providers.
 */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface ReadinessOptions {
  /** Each provider's base URL (its `/health/ready` is probed). */
  providers: ReadonlyArray<{ name: string; url: string }>;
  supergraphLoaded(): boolean;
  revocationListFresh(): boolean;
  timeoutMs?: number;
  cacheMs?: number;
}

export class Readiness {
  private cached: { at: number; report: Promise<ReadinessReport> } | undefined;

  constructor(private readonly options: ReadinessOptions) {}

  report(now: number = Date.now()): Promise<ReadinessReport> {
    if (!this.cached || now - this.cached.at > (this.options.cacheMs ?? 2000))
      this.cached = { at: now, report: this.check() };
    return this.cached.report;
  }

  private async check(): Promise<ReadinessReport> {
    const checks: ReadinessReport['checks'] = {
      supergraph: { ok: this.options.supergraphLoaded() },
      revocations: { ok: this.options.revocationListFresh() },
    };
    const probes = await Promise.all(
      this.options.providers.map(async ({ name, url }) => [name, await this.probe(url)] as const),
    );
    for (const [name, result] of probes) checks[`provider:${name}`] = result;
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  private async probe(url: string): Promise<{ ok: boolean; detail?: string }> {
    try {
      const response = await fetch(new URL('health/ready', url.endsWith('/') ? url : `${url}/`), {
        method: 'GET',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 1000),
      });
      await response.body?.cancel();
      return response.status === 200 ? { ok: true } : { ok: false, detail: `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, detail: (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
    }
  }
}
