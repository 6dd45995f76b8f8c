/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { launchChromium, watchPage } from '../helpers/chromium.ts';
import { startWholePlatform, type WholePlatform } from '../parking/support/platform.ts';
import { JOURNEYS, type Walk } from './journeys.ts';
import { checkPage, describeReport, DESKTOP, SCREENSHOTS, type PageReport, type Phrase } from './page-checks.ts';

/**
 * Accessibility of every page a citizen sees (docs/accessibility.md): the journeys of
 * journeys.ts walked in Debian's headless Chromium, in French and in English, each page
 * checked by page-checks.ts (axe-core: no violation at all; languages; reflow at
 * 320 px; 200 % zoom; screenshots in test-output/accessibility/). One platform and
 * one browser for the whole suite.
 */
let platform: WholePlatform;
let browser: Browser;

beforeAll(async () => {
  platform = await startWholePlatform();
  browser = await launchChromium();
}, 90000);
afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** Names the configuration gives in French: on an English page they must carry lang="fr". */
function frenchPhrases(): Phrase[] {
  const { config } = platform;
  return [...new Set([
    ...config.serviceProviders.map((sp) => sp.displayName),
    ...config.identityProviders.map((idp) => idp.displayName),
    ...(config.parking ? [config.parking.serviceName, config.parking.purpose] : []),
    'République', // the DSFR's logo: "République française" on every page
  ])].map((text) => ({ text, lang: 'fr' }));
}

describe.each(['fr', 'en'] as const)('every page in %s', (lang) => {
  test.each(JOURNEYS.map((j) => [j.name, j] as const))('%s', async (_name, journey) => {
    const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB', viewport: DESKTOP });
    const page = await context.newPage();
    const problems = watchPage(page);
    // Error pages answer with their HTTP status (Chromium logs it): only a failed sub-resource is a problem.
    page.on('response', (response) => {
      if (response.status() >= 400 && response.request().resourceType() !== 'document') problems.push(`${response.status()} for ${response.url()}`);
    });
    const reports: PageReport[] = [];
    let step = 0;
    const walk: Walk = {
      page, lang, platform,
      async check(name, options = {}) {
        const shot = `${journey.name}-${lang}-${String(++step).padStart(2, '0')}-${name}`;
        reports.push(await checkPage(options.page ?? page, shot, options.lang ?? lang, frenchPhrases()));
      },
    };
    try {
      await journey.walk(walk);
    } catch (error) {
      await page.screenshot({ path: new URL(`${journey.name}-${lang}-FAILED.png`, SCREENSHOTS).pathname, fullPage: true }).catch(() => {});
      throw new Error(`${(error as Error).message}\n(at ${page.url()}: ${await page.locator('h1').first().textContent({ timeout: 1000 }).catch(() => '?')})`);
    } finally {
      await context.close();
    }
    const failed = reports.filter((r) => r.violations.length || r.problems.length);
    expect(failed.map(describeReport).join('\n\n')).toBe('');
    expect(reports.length).toBeGreaterThan(0);
    expect(problems.filter((p) => !p.startsWith('Failed to load resource: the server responded with a status of'))).toEqual([]);
  }, 180000);
});
