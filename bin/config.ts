import { fileURLToPath } from 'node:url';
import { loadConfig, type LoadOptions } from '../lib/config/load.ts';
import { BankSection } from '../sandbox/bank/config.ts';
import { ParkingSection } from '../sandbox/parking/config.ts';

/**
 * The configuration as the composition root loads it: lib/config's loader, given what
 * the platform's core does not know — the file read when `PASSERELLE_CONFIG` names none
 * (the sandbox one), and the sections of the stand-ins (the sandbox parking service and bank).
 */
const SANDBOX_CONFIG_PATH = fileURLToPath(new URL('../sandbox/passerelle.json', import.meta.url));

export const PLATFORM_SECTIONS = { parking: ParkingSection.optional(), bank: BankSection.optional() };

export type PlatformConfig = ReturnType<typeof loadPlatformConfig>;

export function loadPlatformConfig(
  options: Omit<LoadOptions<typeof PLATFORM_SECTIONS>, 'defaultPath' | 'sections'> = {},
) {
  return loadConfig({ defaultPath: SANDBOX_CONFIG_PATH, sections: PLATFORM_SECTIONS, ...options });
}
