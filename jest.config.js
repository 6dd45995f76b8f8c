/**
 * Jest runs in native ESM mode (oidc-provider, openid-client and jose are ESM-only).
 * Two projects: `unit` (`*.unit.test.ts`: no database, no port, no process — checked by
 * test/helpers/unit-guard.js; `npm test -- --selectProjects unit` runs in seconds) and
 * `integration` (every other `*.test.ts`: real databases, servers, processes, browsers).
 * `npm test` runs both.
 */
const common = {
  testTimeout: 30000,
  testEnvironment: '<rootDir>/test/helpers/jest-environment.js',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      },
    ],
  },
};

export default {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.unit.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/unit-guard.js'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.unit\\.test\\.ts$'],
    },
  ],
};
