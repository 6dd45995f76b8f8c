import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { conclusion, exitCode, render, verdicts } from '../../bench/soak-report.ts';
import { runSoak } from '../../bench/soak.ts';

const USAGE = `usage: passerelle soak [options]   (npm run soak -- [options])
  --duration D      how long the load runs: 600, 90s, 10m, 1h (default 10m); it stops then
  --rate N          target requests per second (default: 80 % of a full-speed calibration)
  --min-rate P      the rate is held when it reaches P % of the target overall and in every full minute (default 90)
  --connections N   concurrent requests at most (default 16)
  --calibration S   seconds of the full-speed calibration (default 15)
  --citizens N      synthetic citizens seeded in the soak database (default 20000)
  --sample N        citizens whose tokens the load uses (default 500)
  --token-ttl S     pivot token lifetime, renewed before it ends (default 120)
  --out FILE        the JSON report (default .data/soak/soak-<time>.json)
Exit status: 0 passed; 1 a defect (a failed request, an answer without its audit event,
a process not flat); 3 no defect but the rate was not held (the machine could not keep up).
PostgreSQL from DATABASE_URL (its own passerelle_soak database), else an embedded one.`;

/**
 * `passerelle soak …` (USAGE): the full stack at a fixed rate for a long time
 * (bench/soak.ts), its summary and verdicts from bench/soak-report.ts.
 */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10m' },
      rate: { type: 'string' },
      connections: { type: 'string', default: '16' },
      calibration: { type: 'string', default: '15' },
      citizens: { type: 'string', default: '20000' },
      sample: { type: 'string', default: '500' },
      'token-ttl': { type: 'string', default: '120' },
      'min-rate': { type: 'string', default: '90' },
      out: { type: 'string' },
    },
  });
  const number = (name: keyof typeof values) => {
    const value = Number(String(values[name]).replace(/_/g, ''));
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
    return value;
  };
  const minRate = number('min-rate');
  if (minRate > 100) throw new Error('--min-rate is a percentage of the target rate, at most 100');
  const logDir = fileURLToPath(new URL('../../.data/soak/', import.meta.url));
  const started = new Date();
  const report = await runSoak(
    {
      durationSeconds: parseDuration(String(values.duration)),
      rate: values.rate === undefined ? undefined : number('rate'),
      connections: number('connections'),
      calibrationSeconds: number('calibration'),
      citizens: number('citizens'),
      sample: number('sample'),
      tokenTtlSeconds: number('token-ttl'),
      minRateFraction: minRate / 100,
      serverUrl: process.env.DATABASE_URL,
      logDir,
    },
    (line) => console.log(line),
  );
  console.log(`\n${render(report)}`);
  const file = values.out ?? join(logDir, `soak-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`\nfull report: ${file} (server logs in ${logDir})`);
  const list = verdicts(report);
  for (const failure of list.filter((v) => !v.ok))
    console.error(`soak failed (${failure.kind === 'rate' ? 'rate not held' : 'defect'}): ${failure.what}`);
  console.log(conclusion(list));
  return exitCode(list);
}

/** `90`, `90s`, `10m`, `1h` → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(text);
  if (!match || Number(match[1]) <= 0) throw new Error(`--duration must be like 600, 90s, 10m or 1h, got "${text}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}
