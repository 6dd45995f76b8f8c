import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processCpuSeconds } from '../harness/processes.ts';
import type { ServerSpec } from './server.ts';

/**
 * Forks bench/server.ts processes (through tsx) and waits until each says where it
 * listens. Their logs go to `<logDir>/<role>.log`, not through the orchestrator.
 */
export interface ServerProcess {
  role: string;
  url: string;
  child: ChildProcess;
  /** CPU seconds (user + system) the process has used so far (Linux /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

export async function startServer(spec: ServerSpec, logDir: string): Promise<ServerProcess> {
  mkdirSync(logDir, { recursive: true });
  const base = join(logDir, spec.role.replace(/[^\w-]/g, '_'));
  const log = openSync(`${base}.log`, 'w');
  // In a file: a spec with thousands of citizens is too big for the environment.
  writeFileSync(`${base}.spec.json`, JSON.stringify(spec));
  const profile = process.env.BENCH_PROFILE?.split(',').includes(spec.role)
    ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`]
    : [];
  const child = fork(SERVER, [], {
    execArgv: ['--import', 'tsx', ...profile],
    env: { ...process.env, BENCH_SPEC_FILE: `${base}.spec.json` },
    stdio: ['ignore', log, log, 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${spec.role} did not start within 120 s (see ${logDir})`)),
      120_000,
    );
    child.once('message', (message: { ready?: string; error?: string }) => {
      clearTimeout(timer);
      if (message.ready) resolve(message.ready);
      else reject(new Error(`${spec.role}: ${message.error}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${spec.role} exited with code ${code} (see ${logDir})`));
    });
  });
  return {
    role: spec.role,
    url,
    child,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
