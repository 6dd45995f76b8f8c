import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRepoFile } from './support/metrics.ts';

/**
 * promtool, where installed (Debian: `apt-get install prometheus`), on
 * docs/operations/: `check rules` on the alerting rules, and on the dashboard's PromQL
 * written as recording rules (Grafana's `$__rate_interval` as `5m`), so a syntax error
 * in a panel fails here. operations-alerts.unit.test.ts and
 * operations-dashboard.unit.test.ts check the files everywhere.
 */
const promtool = spawnSync('promtool', ['--version']).status === 0;
const check = (file: string) => execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });

(promtool ? describe : describe.skip)('promtool', () => {
  test('accepts the alerting rules', () => {
    const output = check(fileURLToPath(new URL('../../docs/operations/alerts.yml', import.meta.url)));
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  test("parses every expression of the dashboard's panels", () => {
    const dashboard = JSON.parse(readRepoFile('docs/operations/grafana-dashboard.json')) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => t.expr.replaceAll('$__rate_interval', '5m')),
    );
    const rules = exprs.map((expr, i) => ({ record: `passerelle:dashboard_panel_${i}`, expr }));
    const dir = mkdtempSync(join(tmpdir(), 'passerelle-dashboard-'));
    try {
      // JSON is YAML: promtool reads it as a rules file.
      const file = join(dir, 'dashboard-rules.yml');
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      expect(check(file)).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
