import { markdownHeadings } from '../helpers/references.ts';
import { loadYaml, readRepoFile, registeredSeries, seriesIn, unknownSeries } from './support/metrics.ts';

/**
 * docs/operations/alerts.yml, the example Prometheus alerting rules: well formed, every
 * metric an expression reads is one the code registers (a renamed metric breaks this
 * test, not a production alert silently), every runbook link lands on a heading of
 * docs/operations.md. `promtool check rules` runs too where promtool is installed
 * (operations-promtool.test.ts).
 */
interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (
  loadYaml(readRepoFile('docs/operations/alerts.yml')) as { groups: Array<{ name: string; rules: Rule[] }> }
).groups.flatMap((group) => group.rules);
const alerts = rules.filter((rule): rule is Rule & { alert: string } => typeof rule.alert === 'string');
const { slugs } = markdownHeadings(readRepoFile('docs/operations.md'));

test('every rule is an alert with an expression, a severity, a summary and a runbook', () => {
  expect(alerts.length).toBe(rules.length);
  for (const rule of alerts) {
    expect({ alert: rule.alert, expr: typeof rule.expr }).toEqual({ alert: rule.alert, expr: 'string' });
    expect([rule.alert, rule.labels?.severity]).toEqual([rule.alert, expect.stringMatching(/^(critical|warning)$/)]);
    expect([rule.alert, rule.annotations?.summary]).toEqual([rule.alert, expect.any(String)]);
  }
  expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
});

test('the alerts cover what breaks (issue 13)', () => {
  const series = alerts.flatMap((a) => seriesIn(a.expr));
  for (const metric of [
    'passerelle_gateway_provider_ready',
    'passerelle_gateway_provider_errors_total',
    'passerelle_gateway_provider_duration_seconds_bucket',
    'passerelle_gateway_audit_write_failures_total',
    'passerelle_gateway_revocation_list_staleness_seconds',
    'passerelle_gateway_db_pool_waiting_requests',
    'passerelle_broker_db_pool_waiting_requests',
    'passerelle_broker_idp_failures_total',
    'passerelle_gateway_quota_refusals_total',
    'passerelle_broker_sign_in_quota_refusals_total',
    'passerelle_gateway_requests_total',
  ])
    expect(series).toContain(metric);
  expect(alerts.map((a) => a.expr)).toContain('up{job="passerelle-broker"} == 0');
});

test('every metric an expression reads is registered by the gateway or the broker', async () => {
  const registered = await registeredSeries();
  for (const rule of alerts) {
    const series = seriesIn(rule.expr);
    expect([rule.alert, series.length > 0]).toEqual([rule.alert, true]);
    expect([rule.alert, unknownSeries(series, registered)]).toEqual([rule.alert, []]);
  }
});

test('every runbook link is a heading of docs/operations.md', () => {
  for (const rule of alerts) {
    const link = rule.annotations?.runbook_url ?? '';
    const [path, anchor] = link.split('#');
    expect([rule.alert, path]).toEqual([rule.alert, 'docs/operations.md']);
    expect([rule.alert, anchor, slugs.has(anchor ?? '')]).toEqual([rule.alert, anchor, true]);
  }
});

test('the metric matcher reads metric names, not label values', () => {
  expect(
    seriesIn(
      'sum by (code) (rate(passerelle_broker_idp_failures_total{code=~"passerelle_x|IDP"}[5m])) > 0 or up{job="passerelle-gateway"}',
    ),
  ).toEqual(['passerelle_broker_idp_failures_total', 'up']);
  expect(unknownSeries(['passerelle_gateway_nope', 'up'], new Set())).toEqual(['passerelle_gateway_nope']);
});
