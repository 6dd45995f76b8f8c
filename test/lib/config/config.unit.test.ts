import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatformConfig } from '../../../bin/config.ts';
import { ConfigError, loadConfig, listenPort } from '../../../lib/config/load.ts';
import { providerFolders } from '../../../lib/federation/provider-folders.ts';

function writeConfig(mutate: (c: any) => void = () => {}): string {
  const base = JSON.parse(
    JSON.stringify(loadPlatformConfig({ env: {} }), (k, v) => (typeof v === 'function' || k === 'dir' ? undefined : v)),
  );
  base.database = { embeddedDataDir: 'x' };
  mutate(base);
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-config-'));
  const path = join(dir, 'passerelle.json');
  writeFileSync(path, JSON.stringify(base));
  return path;
}

describe('configuration', () => {
  test('the committed sandbox configuration is valid', () => {
    const config = loadPlatformConfig({ env: {} });
    expect(config.sandbox).toBe(true);
    // One folder per data provider entry, no folder without one.
    expect(providerFolders(config).map((f) => f.name)).toEqual(config.dataProviders.map((p) => p.name));
    expect(listenPort(config.gateway)).toBe(4001);
    expect(config.secretJson<{ keys: unknown[] }>(config.gateway.keys, 'gateway.keys').keys.length).toBeGreaterThan(0);
  });

  test('an invalid value stops loading with a message naming the key', () => {
    const path = writeConfig((c) => {
      c.dataProviders[1].url = 'not a url';
    });
    expect(() => loadPlatformConfig({ path, env: {} })).toThrow(/dataProviders\[ants\]\.url: must be an http\(s\) URL/);
  });

  test('an unknown key is refused by name', () => {
    const path = writeConfig((c) => {
      c.gateway.prot = 1;
    });
    expect(() => loadPlatformConfig({ path, env: {} })).toThrow(ConfigError);
    expect(() => loadPlatformConfig({ path, env: {} })).toThrow(/gateway.*prot/);
  });

  test('environment variables override URLs, ports and secrets by key path', () => {
    const path = writeConfig();
    const config = loadPlatformConfig({
      path,
      env: {
        DATABASE_URL: 'postgres://u@h/db',
        PASSERELLE__gateway__port: '5001',
        PASSERELLE__dataProviders__cnaf__url: 'http://cnaf.internal:8080',
        PASSERELLE__broker__pairwiseSecret: '{"env":"PAIRWISE"}',
        PAIRWISE: 's3cret',
      },
    });
    expect(config.database.url).toBe('postgres://u@h/db');
    expect(listenPort(config.gateway)).toBe(5001);
    expect(config.dataProviders.find((p) => p.name === 'cnaf')!.url).toBe('http://cnaf.internal:8080');
    expect(config.secret(config.broker.pairwiseSecret, 'broker.pairwiseSecret')).toBe('s3cret');
  });

  test('a list item whose id has a hyphen is addressed with an underscore (shell variable names have none)', () => {
    const config = loadPlatformConfig({ env: { PASSERELLE__serviceProviders__parking_nimes__defaultAcr: 'eidas2' } });
    expect(config.serviceProviders.find((sp) => sp.clientId === 'parking-nimes')!.defaultAcr).toBe('eidas2');
  });

  test('an override naming an unknown list item is refused', () => {
    const path = writeConfig();
    expect(() => loadPlatformConfig({ path, env: { PASSERELLE__dataProviders__nope__url: 'http://x' } })).toThrow(
      /no item "nope" in dataProviders/,
    );
  });

  test('the platform loader knows no default file: the composition root names it (bin/config.ts)', () => {
    expect(() => loadConfig({ env: {} })).toThrow(/no configuration file: set PASSERELLE_CONFIG/);
  });

  test('derived defaults are resolved once, at load', () => {
    const config = loadPlatformConfig({
      env: {},
      overrides: [
        ['broker.url', 'http://broker.test/'],
        ['gateway.url', 'http://gateway.test'],
      ],
    });
    expect(config.broker.issuer).toBe('http://broker.test');
    expect(config.gateway).toMatchObject({
      issuer: 'http://gateway.test',
      audience: 'http://gateway.test',
      jwksUri: 'http://gateway.test/.well-known/jwks.json',
      pivotToken: { issuer: 'http://broker.test', jwksUri: 'http://broker.test/jwks' },
    });
    expect(config.dataProviders.map((p) => p.audience)).toEqual(
      config.dataProviders.map((p) => `urn:passerelle:dp:${p.name}`),
    );
    const explicit = loadPlatformConfig({
      env: {},
      overrides: [
        ['gateway.audience', 'urn:gateway'],
        ['dataProviders.dgfip.audience', 'urn:dgfip'],
      ],
    });
    expect(explicit.gateway.audience).toBe('urn:gateway');
    expect([
      config.isDerived('gateway.audience'),
      explicit.isDerived('gateway.audience'),
      explicit.isDerived('gateway.issuer'),
    ]).toEqual([true, false, true]);
    expect(explicit.dataProviders.find((p) => p.name === 'dgfip')!.audience).toBe('urn:dgfip');
  });

  test('a section of a stand-in is validated with its own schema, handed in by the composition root', () => {
    const path = writeConfig((c) => {
      c.parking.clientId = '';
    });
    expect(() => loadPlatformConfig({ path, env: {} })).toThrow(/parking\.clientId/);
    expect(() => loadConfig({ path, env: {} })).toThrow(/parking/);
  });

  test('inline secrets are refused outside a sandbox configuration', () => {
    const path = writeConfig((c) => {
      c.sandbox = false;
    });
    const config = loadPlatformConfig({ path, env: {} });
    expect(() => config.secret(config.broker.pairwiseSecret, 'broker.pairwiseSecret')).toThrow(
      /only allowed in a sandbox/,
    );
    expect(() => config.secret({ env: 'MISSING_VAR' }, 'broker.pairwiseSecret')).toThrow(/MISSING_VAR is not set/);
  });
});
