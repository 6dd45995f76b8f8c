import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

/**
 * The one-way layering of the tree (eslint.config.js, `import-x/no-restricted-paths`):
 * the same rule `npm run lint` runs, alone here, so that `npm test` fails on an import
 * that breaks it.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAYERING = 'import-x/no-restricted-paths';
const eslint = new ESLint({ cwd: ROOT, ruleFilter: ({ ruleId }) => ruleId === LAYERING });

async function problemsOf(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return [...new Set(result!.messages.map((m) => m.ruleId ?? m.message))];
}

test('every import of the tree follows the layering', async () => {
  const results = await eslint.lintFiles(['.']);
  const problems = results.flatMap((r) =>
    r.messages.map((m) => `${relative(ROOT, r.filePath)}:${m.line}: ${m.message}`),
  );
  expect(problems).toEqual([]);
}, 120_000);

test.each([
  ['lib/probe.ts', "import { startBroker } from '../auth/broker.ts';"],
  ['lib/probe.ts', "import { ERROR_CATALOGS } from '../bin/error-catalogs.ts';"],
  ['lib/contracts/probe.ts', "import { parkingErrors } from '../../sandbox/parking/errors.ts';"],
  ['auth/probe.ts', "import { startGateway } from '../gateway/index.ts';"],
  ['gateway/probe.ts', "import type { GrantRevoker } from '../auth/grants.ts';"],
  ['bench/probe.ts', "import { startTestGateway } from '../test/gateway/support/gateway.ts';"],
  ['gateway/probe.ts', "import { startTestPlatform } from '../harness/platform.ts';"],
  ['subgraphs/probe/resolvers.ts', "import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';"],
  ['subgraphs/probe/seed.ts', "import { parkingErrors } from '../../sandbox/parking/errors.ts';"],
  [
    'subgraphs/probe/index.ts',
    "import { gatewayErrors } from '../../lib/contracts/gateway-errors.ts';\nimport { ProviderTokenMinter } from '../../gateway/provider-token.ts';",
  ],
])('the check refuses %s: %s', async (file, code) => {
  expect(await problemsOf(code, file)).toEqual([LAYERING]);
});

test('what the layering allows passes', async () => {
  expect(await problemsOf("import { reachesAcr } from '../lib/contracts/eidas.ts';", 'gateway/probe.ts')).toEqual([]);
  expect(await problemsOf("import { startBroker } from '../auth/broker.ts';", 'harness/probe.ts')).toEqual([]);
  expect(await problemsOf("import { startTestPlatform } from '../harness/platform.ts';", 'bench/probe.ts')).toEqual([]);
  expect(
    await problemsOf(
      "import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';",
      'subgraphs/probe/seed.ts',
    ),
  ).toEqual([]);
});
