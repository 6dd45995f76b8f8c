import { spawnSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';

/** The COG data files are generated: a process rebuilds them from the pinned sources and compares. */
describe('COG data files', () => {
  test('are what lib/pivot/cog/build.ts makes from the pinned sources', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'lib/pivot/cog/build.ts', '--check'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
