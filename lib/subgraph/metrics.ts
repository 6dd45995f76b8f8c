import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A subgraph's Prometheus metrics on a registry of its own (several subgraphs share one
 * process under `passerelle start`): the process's default metrics (RSS, heap, event-loop
 * lag, GC), labelled with the provider, served on `GET /metrics`.
 */
export function subgraphMetrics(provider: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ provider });
  collectDefaultMetrics({ register: registry, prefix: 'passerelle_subgraph_' });
  return registry;
}
