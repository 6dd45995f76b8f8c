import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `promtool check rules docs/operations/alerts.yml`, where promtool is installed (Debian:
 * `apt-get install prometheus`); operations-alerts.unit.test.ts checks the file everywhere.
 */
const promtool = spawnSync('promtool', ['--version']).status === 0;
const rulesFile = fileURLToPath(new URL('../../docs/operations/alerts.yml', import.meta.url));

(promtool ? test : test.skip)('promtool accepts the alerting rules', () => {
  const output = execFileSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' });
  expect(output).toMatch(/SUCCESS: \d+ rules found/);
});
