import { spawnSync } from 'node:child_process';

/** `passerelle` is the package's bin: `npx passerelle …` runs bin/passerelle.ts in a checkout. */
test('npx passerelle prints its usage, and refuses an unknown command with code 2', () => {
  const usage = spawnSync('npx', ['--no-install', 'passerelle'], { encoding: 'utf8' });
  expect(usage.status).toBe(0);
  expect(usage.stderr).toMatch(/usage: passerelle <[a-z|]*audit[a-z|]*>/);
  const unknown = spawnSync('npx', ['--no-install', 'passerelle', 'nope'], { encoding: 'utf8' });
  expect(unknown.status).toBe(2);
}, 30000);
