import type { Config } from './config/load.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './log.ts';

/**
 * What every runnable part of the platform (broker, gateway, each subgraph, each
 * sandbox service) looks like to `passerelle start`: started with the shared
 * configuration, database and logger, it listens and can be closed.
 */
export interface ComponentContext {
  config: Config;
  database: Database;
  logger: Logger;
}

export interface RunningComponent {
  name: string;
  /** Base URL it answers on (the port actually bound when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Overrides the configured port (0: any free port, as tests do). */
  port?: number;
}

export type StartComponent = (context: ComponentContext, options?: StartOptions) => Promise<RunningComponent>;
