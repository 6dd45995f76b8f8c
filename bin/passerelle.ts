#!/usr/bin/env -S node --import=tsx
/**
 * The `passerelle` command: one entry point for every operation.
 *   passerelle start [component...]   start the platform (all components) or some of them
 *   passerelle compose [--out FILE]   compose and lint the federation contract
 *   passerelle seed [--citizens N]    load the sandbox registries (+ N synthetic citizens)
 *   passerelle token <login> --provider <name>   a development token for one subgraph (sandbox only)
 *   passerelle audit verify           check the tamper-evident audit trail
 *   passerelle config doc             regenerate docs/configuration.md from the configuration schema
 *   passerelle demo --login <login>   a citizen's visit to the parking service over HTTP (sandbox only)
 *   passerelle bench [--duration S] …   full stack vs bare gateway on the parking query (bench/)
 *   passerelle soak [--duration 10m] …  the full stack at 80 % of its throughput for a long time (bench/soak.ts)
 * Each command lives in bin/commands/<name>.ts and exports `run(args)`. It is the package's
 * `bin` (`npx passerelle …`); the shebang says `--import=tsx`, not `--import tsx`, which
 * tsx's import scanner would read as code.
 */
const COMMANDS: Record<string, () => Promise<{ run(args: string[]): Promise<number | void> }>> = {
  compose: () => import('./commands/compose.ts'),
  audit: () => import('./commands/audit.ts'),
  config: () => import('./commands/config.ts'),
  demo: () => import('./commands/demo.ts'),
  errors: () => import('./commands/errors.ts'),
  seed: () => import('./commands/seed.ts'),
  start: () => import('./commands/start.ts'),
  token: () => import('./commands/token.ts'),
  bench: () => import('./commands/bench.ts'),
  soak: () => import('./commands/soak.ts'),
};

const [name, ...args] = process.argv.slice(2);
const load = name ? COMMANDS[name] : undefined;
if (!load) {
  console.error(`usage: passerelle <${Object.keys(COMMANDS).join('|')}> [options]`);
  process.exit(name ? 2 : 0);
}
try {
  const code = await (await load()).run(args);
  if (typeof code === 'number') process.exitCode = code;
} catch (error) {
  console.error(`passerelle ${name}: ${(error as Error).message}`);
  process.exitCode = 1;
}
