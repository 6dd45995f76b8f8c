import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigurationDocument } from '../../lib/config/document.ts';
import { PasserelleConfig } from '../../lib/config/schema.ts';
import { PLATFORM_SECTIONS } from '../config.ts';

/** The whole schema the platform loads: the core's sections and the stand-ins' (bin/config.ts). */
export const PLATFORM_CONFIG_SCHEMA = PasserelleConfig.extend(PLATFORM_SECTIONS);

export const CONFIGURATION_DOC = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

/** `passerelle config doc`: regenerates docs/configuration.md from the configuration schema. */
export async function run(args: string[]): Promise<number> {
  if (args[0] !== 'doc' || args.length > 1) {
    console.error('usage: passerelle config doc   (writes docs/configuration.md)');
    return 2;
  }
  writeFileSync(CONFIGURATION_DOC, renderConfigurationDocument(PLATFORM_CONFIG_SCHEMA));
  console.log(`wrote ${CONFIGURATION_DOC}`);
  return 0;
}
