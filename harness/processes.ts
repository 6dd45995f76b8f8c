import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

/**
 * Platform components as separate OS processes, started as production starts them
 * (`passerelle start <component>`, settings as `PASSERELLE__…` environment variables),
 * for the fault-injection tests: each can be killed (SIGKILL), frozen (SIGSTOP), thawed,
 * stopped (SIGTERM) and restarted on the same port. Logs go to `<logDir>/<name>.log`
 * (appended to across restarts), never through the test's output.
 */
const PASSERELLE = fileURLToPath(new URL('../bin/passerelle.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ComponentSpec {
  /** The component's name for `passerelle start` (`gateway`, `dgfip`, …). */
  name: string;
  /** Its base URL (where `/health/ready` is). */
  url: string;
  /** The process's environment on top of this one's (DATABASE_URL, PASSERELLE__… settings). */
  env: Record<string, string>;
  logDir: string;
  /** How long start-up may take before it is a failure. */
  startTimeoutMs?: number;
  /** What answers 200 once it is ready (default `<url>/health/ready`; a sandbox IdP: its discovery). */
  readyUrl?: string;
}

export interface ComponentProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** Resolves when the current process ends: its exit code, or the signal that ended it. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal`; SIGKILL and SIGTERM resolve once the process has exited. */
  signal(signal: NodeJS.Signals): Promise<void>;
  kill(): Promise<void>;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** SIGTERM, as an orchestrator stops a container; resolves with how it exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts the component again (same settings, same port) and waits until it is ready. */
  restart(): Promise<void>;
  /** Resident memory of the process (bytes, from /proc; 0 where absent). */
  rssBytes(): number;
  cpuSeconds(): number;
}

export async function startComponent(spec: ComponentSpec): Promise<ComponentProcess> {
  mkdirSync(spec.logDir, { recursive: true });
  let child: ChildProcess;
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const launch = async () => {
    const log = openSync(join(spec.logDir, `${spec.name}.log`), 'a');
    child = spawn(process.execPath, ['--import', 'tsx', PASSERELLE, 'start', spec.name], {
      cwd: ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const started = await Promise.race([
      waitReady(spec.readyUrl ?? spec.url, spec.startTimeoutMs ?? 60_000, spec.readyUrl !== undefined),
      exit.then((how) => {
        throw new Error(
          `${spec.name} exited while starting (${how.signal ?? `code ${how.code}`}; see ${spec.logDir}/${spec.name}.log)`,
        );
      }),
    ]);
    if (!started)
      throw new Error(`${spec.name} was not ready within ${spec.startTimeoutMs ?? 60_000} ms (see ${spec.logDir})`);
  };
  await launch();
  const running = () => child.exitCode === null && child.signalCode === null;
  const send = async (signal: NodeJS.Signals) => {
    if (!running()) return;
    child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await exit;
  };
  return {
    name: spec.name,
    url: spec.url,
    get pid() {
      return child.pid!;
    },
    exited: () => exit,
    signal: send,
    kill: () => send('SIGKILL'),
    freeze: () => send('SIGSTOP'),
    thaw: () => send('SIGCONT'),
    async stop() {
      // A frozen process would never see the SIGTERM.
      if (running()) child.kill('SIGCONT');
      await send('SIGTERM');
      return exit;
    },
    async restart() {
      if (running()) await send('SIGKILL');
      await launch();
    },
    rssBytes: () => procStatus(child.pid!, 'VmRSS') * 1024,
    cpuSeconds: () => processCpuSeconds(child.pid!),
  };
}

/** Polls `<url>/health/ready` (`exact`: `url` itself) until it answers 200; false at the deadline. */
export async function waitReady(url: string, timeoutMs: number, exact = false): Promise<boolean> {
  const probe = exact ? new URL(url) : new URL('health/ready', url.endsWith('/') ? url : `${url}/`);
  const ok = await waitFor(
    async () => {
      try {
        const response = await fetch(probe, { signal: AbortSignal.timeout(1000) });
        await response.body?.cancel();
        return response.status === 200;
      } catch {
        return false;
      }
    },
    (ready) => ready,
    { timeoutMs, intervalMs: 50 },
  );
  return ok;
}

/** utime + stime of a process, from /proc/<pid>/stat (clock ticks of 1/100 s); 0 where /proc is absent. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** A `kB` field of /proc/<pid>/status (VmRSS, …); 0 where absent. */
function procStatus(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** TCP connections established from anywhere to `port` on the loopback (Linux /proc/net/tcp; -1 where absent). */
export function establishedConnectionsTo(port: number): number {
  try {
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    return readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .filter((line) => {
        const [, local, , state] = line.trim().split(/\s+/);
        // 01 = ESTABLISHED; the server's side of each connection has the port as its local one.
        return local?.endsWith(`:${hex}`) && state === '01';
      }).length;
  } catch {
    return -1;
  }
}
