import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The one-way layering of the tree (docs/architecture.md, "Layers"), checked on every
 * import; `test/repository/layering.unit.test.ts` runs this rule alone, so `npm test` fails on a bad import.
 * - `lib/` is the ground: it imports no component, no stand-in, no command, no test.
 * - the broker (`auth/`) and the gateway (`gateway/`) never import each other: what they
 *   share is a contract in `lib/contracts/`.
 * - data providers (`subgraphs/`) build on `lib/` only; a provider's `seed.ts` (its sandbox
 *   records, loaded by the seeder alone) may also use `sandbox/seed/`.
 * - nothing but tests imports `test/`; benchmarks and tests share `harness/`.
 * Formatting is Prettier's (.prettierrc.json), checked by `npm run lint`.
 */
export const LAYER_ZONES = [
  {
    target: './lib',
    from: ['./auth', './gateway', './subgraphs', './sandbox', './bin', './bench', './harness', './test', './docs'],
    message: 'lib/ is the ground floor: it imports nothing above it (the composition root in bin/ hands things in).',
  },
  {
    target: './auth',
    from: './gateway',
    message: 'the broker does not import the gateway: share a contract in lib/contracts/.',
  },
  {
    target: './gateway',
    from: './auth',
    message: 'the gateway does not import the broker: share a contract in lib/contracts/.',
  },
  {
    target: './subgraphs',
    from: ['./auth', './gateway', './bin', './bench', './harness', './test'],
    message: 'a data provider builds on lib/ only.',
  },
  // A provider's `seed.ts` is its sandbox records: only the seeder loads it, and it alone
  // may use the sandbox seed kit (the sandbox citizens, synthetic households).
  {
    target: ['./subgraphs/*/!(seed).ts', './subgraphs/*/*/**'],
    from: './sandbox',
    message: 'a data provider builds on lib/ only (its seed.ts alone may use sandbox/seed/).',
  },
  {
    target: './subgraphs/*/seed.ts',
    from: './sandbox',
    except: ['./seed'],
    message: "a provider's seed.ts may use sandbox/seed/, nothing else of the sandbox.",
  },
  {
    target: ['./auth', './gateway', './subgraphs', './sandbox', './bin', './bench', './harness', './docs'],
    from: './test',
    message: 'production code never imports test/: move what it needs to harness/ (or where it belongs).',
  },
  {
    target: ['./auth', './gateway', './subgraphs', './sandbox', './lib'],
    from: ['./bin', './bench', './harness'],
    message: 'components do not import the command line, the benchmark or the test harness.',
  },
];

export const layeringRule = { 'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }] };

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'lib/pivot/cog/data/**'] },
  {
    files: ['**/*.ts', '**/*.js'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX, '@typescript-eslint': tseslint.plugin },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    // Directives may name rules that come with the formatter pass.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      ...layeringRule,
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);
