import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONFIGURATION_DOC, PLATFORM_CONFIG_SCHEMA } from '../../bin/commands/config.ts';
import { configurationKeys, renderConfigurationDocument, UndocumentedKeyError } from '../../lib/config/document.ts';
import { loadPlatformConfig } from '../../bin/config.ts';

const SANDBOX_CONFIG = fileURLToPath(new URL('../../sandbox/passerelle.json', import.meta.url));

describe('the configuration reference', () => {
  test('docs/configuration.md is generated from the schema (run `npm run config:doc` after changing lib/config/)', () => {
    expect(readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(renderConfigurationDocument(PLATFORM_CONFIG_SCHEMA));
  });

  test('a key without a description is refused, by name', () => {
    const schema = z.strictObject({
      documented: z.number().default(1).describe('A documented key.'),
      section: z.strictObject({ bare: z.string() }).describe('A section.'),
    });
    expect(() => configurationKeys(schema)).toThrow(UndocumentedKeyError);
    expect(() => configurationKeys(schema)).toThrow(/section\.bare/);
  });

  test('each key says its type, default and whether it is required', () => {
    const byPath = new Map(configurationKeys(PLATFORM_CONFIG_SCHEMA).map((k) => [k.path, k]));
    expect(byPath.get('gateway.limits.maxDepth')).toMatchObject({
      type: 'integer ≥ 1',
      default: '6',
      required: false,
      env: 'PASSERELLE__gateway__limits__maxDepth',
    });
    expect(byPath.get('broker.keys')).toMatchObject({ type: 'secret reference', required: true });
    expect(byPath.get('dataProviders[].url')).toMatchObject({
      type: 'http(s) URL',
      required: true,
      env: 'PASSERELLE__dataProviders__<name>__url',
    });
    expect(byPath.get('serviceProviders[].defaultAcr')).toMatchObject({
      type: 'one of `eidas1`, `eidas2`, `eidas3`',
      default: '"eidas1"',
    });
    expect(byPath.get('parking.tariff.brackets[].upTo')?.env).toBeUndefined();
  });

  // Each documented variable, its placeholders replaced by an item of the sandbox
  // configuration, must address the key it documents: given a value no key accepts,
  // loading fails naming that key.
  const sandbox = loadPlatformConfig({ path: SANDBOX_CONFIG, env: {} });
  const settable = configurationKeys(PLATFORM_CONFIG_SCHEMA).flatMap((key) => {
    const concrete = key.env === undefined ? undefined : concretize(key.path, sandbox);
    return concrete ? [{ key, ...concrete }] : [];
  });

  test('nearly every key is exercised below', () => {
    expect(settable.length).toBeGreaterThan(100);
  });

  test.each(settable.map((x) => [x.key.path, x] as const))(
    '%s: its environment variable sets it',
    (_path, { key, env, documented, shown }) => {
      expect(key.env).toBe(documented);
      expect(() => loadPlatformConfig({ path: SANDBOX_CONFIG, env: { [env]: '{"probe":1}' } })).toThrow(`  - ${shown}`);
    },
  );
});

/**
 * For a documented key path (`serviceProviders[].operations{}`), with the first list item
 * and map entry of the sandbox configuration: its variable, the documented form of that
 * variable, and the key as load errors name it (`serviceProviders[parking-nimes].operations.Parking`).
 */
function concretize(path: string, config: unknown): { env: string; documented: string; shown: string } | undefined {
  const env = ['PASSERELLE'];
  const documented = ['PASSERELLE'];
  let shown = '';
  let node: unknown = config;
  for (const segment of path.split('.')) {
    const name = segment.replace(/(\[\]|\{\})$/, '');
    env.push(name);
    documented.push(name);
    shown += shown ? `.${name}` : name;
    node = (node as Record<string, unknown> | undefined)?.[name];
    if (segment.endsWith('[]')) {
      const item = (node as Array<Record<string, string>> | undefined)?.[0];
      if (!item) return undefined;
      const id = (item.name ?? item.clientId)!;
      env.push(id.replaceAll('-', '_'));
      documented.push(item.name !== undefined ? '<name>' : '<clientId>');
      shown += `[${id}]`;
      node = item;
    } else if (segment.endsWith('{}')) {
      const entry = Object.keys((node as Record<string, unknown> | undefined) ?? {})[0];
      if (entry === undefined) return undefined;
      env.push(entry);
      documented.push('<name>');
      shown += `.${entry}`;
      node = (node as Record<string, unknown>)[entry];
    }
  }
  return { env: env.join('__'), documented: documented.join('__'), shown };
}
