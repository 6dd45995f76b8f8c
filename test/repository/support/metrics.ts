import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BrokerMetrics } from '../../../auth/metrics.ts';
import { GatewayMetrics } from '../../../gateway/metrics.ts';

/** The repository root, for the files under docs/operations/. */
export const ROOT = new URL('../../../', import.meta.url);

export const readRepoFile = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

/**
 * Every series name the gateway and the broker expose at `/metrics`, read from their
 * registries (not from a list kept by hand): a histogram's `_bucket`, `_count`, `_sum`.
 */
export async function registeredSeries(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const { registry } of [new GatewayMetrics(), new BrokerMetrics()]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      const { name } = metric;
      const type = String(metric.type);
      names.add(name);
      if (type === 'histogram' || type === 'summary') for (const s of ['_count', '_sum']) names.add(name + s);
      if (type === 'histogram') names.add(`${name}_bucket`);
    }
  }
  return names;
}

/** Metrics Prometheus itself makes up for every scrape target. */
const PROMETHEUS_SERIES = new Set(['up']);

/**
 * The metric names a PromQL expression reads: our `passerelle_*` ones, and `up`. Label
 * values are cut out first, so `job="passerelle-gateway"` or `code=~"…"` never count.
 */
export function seriesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const names = withoutStrings.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((n) => n.startsWith('passerelle_') || PROMETHEUS_SERIES.has(n)))];
}

/** Those of `series` that neither component registers (and Prometheus does not make up). */
export function unknownSeries(series: string[], registered: Set<string>): string[] {
  return series.filter((name) => !registered.has(name) && !PROMETHEUS_SERIES.has(name));
}

/** js-yaml (a devDependency; no types of its own here): a YAML loader that builds plain data only. */
export function loadYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('js-yaml') as {
    load(text: string, options?: object): unknown;
    safeLoad?: (text: string) => unknown;
    JSON_SCHEMA: object;
  };
  return yaml.safeLoad ? yaml.safeLoad(text) : yaml.load(text, { schema: yaml.JSON_SCHEMA });
}
