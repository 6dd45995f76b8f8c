import { readRepoFile, registeredSeries, seriesIn, unknownSeries } from './support/metrics.ts';

/**
 * docs/operations/grafana-dashboard.json: a Grafana dashboard whose every panel reads
 * metrics the gateway and the broker register (a renamed metric breaks this test, not
 * a panel silently), laid out on Grafana's 24-column grid. Its PromQL is parsed by
 * promtool where installed (operations-promtool.test.ts).
 */
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ refId: string; expr: string; datasource?: { uid: string } }>;
}

const dashboard = JSON.parse(readRepoFile('docs/operations/grafana-dashboard.json')) as {
  uid: string;
  title: string;
  templating: { list: Array<{ name: string; type: string; query: string }> };
  panels: Panel[];
};
const graphs = dashboard.panels.filter((p) => p.type !== 'row');

test('a dashboard of panels on the Prometheus data source its variable names', () => {
  expect(dashboard.templating.list).toContainEqual(
    expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
  );
  expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  for (const panel of graphs) {
    expect([panel.title, panel.datasource]).toEqual([panel.title, { type: 'prometheus', uid: '${datasource}' }]);
    expect([panel.title, panel.targets?.length ? 'targets' : 'none']).toEqual([panel.title, 'targets']);
    const { x, w } = panel.gridPos;
    expect([panel.title, x >= 0 && w > 0 && x + w <= 24]).toEqual([panel.title, true]);
    for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe('${datasource}');
  }
});

test('every expression reads metrics the gateway or the broker registers', async () => {
  const registered = await registeredSeries();
  for (const panel of graphs)
    for (const { expr } of panel.targets ?? []) {
      const series = seriesIn(expr);
      expect([panel.title, series.length > 0]).toEqual([panel.title, true]);
      expect([panel.title, unknownSeries(series, registered)]).toEqual([panel.title, []]);
    }
});

test('the main panels are there (issue 13)', () => {
  const read = new Set(graphs.flatMap((p) => (p.targets ?? []).flatMap((t) => seriesIn(t.expr))));
  for (const metric of [
    'passerelle_gateway_requests_total',
    'passerelle_gateway_refusals_total',
    'passerelle_gateway_request_duration_seconds_bucket',
    'passerelle_gateway_provider_ready',
    'passerelle_gateway_provider_errors_total',
    'passerelle_gateway_provider_duration_seconds_bucket',
    'passerelle_gateway_audit_write_seconds_bucket',
    'passerelle_gateway_audit_write_failures_total',
    'passerelle_gateway_revocation_list_staleness_seconds',
    'passerelle_gateway_db_pool_waiting_requests',
    'passerelle_broker_db_pool_waiting_requests',
    'passerelle_broker_idp_failures_total',
    'passerelle_gateway_quota_refusals_total',
    'passerelle_broker_sign_in_quota_refusals_total',
  ])
    expect(read).toContain(metric);
});
