import childProcess from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll } from '@jest/globals';

/**
 * Keeps the unit project honest: a `*.unit.test.ts` file may not open a network
 * connection, listen on a port or start a process (a database, a server, a browser).
 * Such a test belongs to the integration project: rename it `*.test.ts`.
 * (A `spawnSync` imported by name escapes the check: keep it out of unit tests too.)
 * Installed per test file and removed after it, since jest may reuse a worker
 * for the integration project.
 */
const forbidden = (what) =>
  function refused() {
    throw new Error(`a unit test may not ${what}: name the file *.test.ts (integration project) instead`);
  };

const patches = [
  [net.Socket.prototype, 'connect', 'open a network connection'],
  // spawn, fork, exec and execFile all go through ChildProcess#spawn.
  [childProcess.ChildProcess.prototype, 'spawn', 'start a process'],
  [net.Server.prototype, 'listen', 'listen on a port'],
  // The synchronous ones do not.
  [childProcess, 'spawnSync', 'start a process'],
  [childProcess, 'execFileSync', 'start a process'],
  [childProcess, 'execSync', 'start a process'],
];
const originals = [];

beforeAll(() => {
  for (const [target, key, what] of patches) {
    originals.push([target, key, target[key]]);
    target[key] = forbidden(what);
  }
});

afterAll(() => {
  for (const [target, key, original] of originals.splice(0)) target[key] = original;
});
