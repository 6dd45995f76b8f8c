/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { testOutputDir } from '../../helpers/chromium.ts';
import { axeViolations, type Violation } from './axe.ts';

/**
 * What every page a citizen sees must pass, in the language it is shown in:
 *  - axe-core finds no violation (WCAG 2.0/2.1 A and AA, best practices), on the
 *    desktop layout and on the 320 px one;
 *  - `<html lang>` is the page's language, and every phrase in another language
 *    (the language switch, French names on an English page) carries its own `lang`;
 *  - reflow (WCAG 1.4.10): at 320 CSS px wide, no horizontal scrolling, every control
 *    inside the width, and every control of the desktop page still there (possibly
 *    behind a DSFR menu or collapse button);
 *  - 200 % zoom (WCAG 1.4.4): a 1280 × 900 window zoomed to 200 % lays the page out
 *    in 640 × 450 CSS px — same checks; and text alone at 200 % (the browser's font
 *    size setting: the DSFR sizes text in rem) on the desktop width;
 *  - a screenshot of each layout goes to test-output/accessibility/.
 */
export const DESKTOP = { width: 1280, height: 900 };
const LAYOUTS = [
  { name: '320px', viewport: { width: 320, height: 640 } },
  { name: 'zoom200', viewport: { width: DESKTOP.width / 2, height: DESKTOP.height / 2 } },
] as const;

export const SCREENSHOTS = testOutputDir('accessibility');

export interface Phrase {
  text: string;
  lang: string;
}

export interface PageReport {
  name: string;
  url: string;
  lang: string;
  violations: Array<Violation & { layout: string }>;
  problems: string[];
}

/** Runs every check on the page now shown; returns what failed (nothing, when the page passes). */
export async function checkPage(
  page: Page,
  name: string,
  lang: string,
  phrases: readonly Phrase[] = [],
): Promise<PageReport> {
  await settle(page);
  const report: PageReport = { name, url: page.url(), lang, violations: [], problems: [] };
  const problem = (text: string) => report.problems.push(text);

  const htmlLang = await page.evaluate(() => document.documentElement.lang);
  if (htmlLang !== lang) problem(`<html lang="${htmlLang}">, expected "${lang}"`);
  for (const wrong of await phrasesInWrongLanguage(page, phrases)) problem(wrong);

  report.violations.push(...(await axeViolations(page)).map((v) => ({ ...v, layout: 'desktop' })));
  await shoot(page, name, 'desktop');
  const desktopControls = await controls(page);

  for (const layout of LAYOUTS) {
    await page.setViewportSize(layout.viewport);
    await settle(page, false);
    for (const issue of await reflowIssues(page, desktopControls)) problem(`${layout.name}: ${issue}`);
    if (layout.name === '320px')
      report.violations.push(...(await axeViolations(page)).map((v) => ({ ...v, layout: layout.name })));
    await shoot(page, name, layout.name);
  }
  await page.setViewportSize(DESKTOP);

  await page.evaluate(() => {
    document.documentElement.style.fontSize = '200%';
  });
  await settle(page, false);
  for (const issue of await reflowIssues(page, [])) problem(`text 200 %: ${issue}`);
  await shoot(page, name, 'text200');
  await page.evaluate(() => {
    document.documentElement.style.removeProperty('font-size');
  });
  await settle(page, false);
  return report;
}

/** The report as readable text, for a failing expectation. */
export function describeReport(report: PageReport): string {
  return [
    `${report.name} (${report.lang}) at ${report.url}`,
    ...report.problems.map((p) => `  - ${p}`),
    ...report.violations.flatMap((v) => [
      `  - axe ${v.rule} [${v.impact}] (${v.layout}): ${v.help}`,
      ...v.nodes.map((n) => `      ${n}`),
    ]),
  ].join('\n');
}

async function shoot(page: Page, name: string, layout: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}-${layout}.png`, SCREENSHOTS).pathname, fullPage: true });
}

/**
 * The page loaded (`load`: once after a navigation), the DSFR's script done with it
 * (when it has one), fonts ready, two frames laid out.
 */
export async function settle(page: Page, load = true): Promise<void> {
  if (load) await page.waitForLoadState('load');
  await page.evaluate(async () => {
    if (document.querySelector('script[src*="dsfr.module"]')) {
      for (let i = 0; i < 50 && !document.documentElement.hasAttribute('data-fr-js'); i++)
        await new Promise((r) => setTimeout(r, 20));
    }
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

/** Text nodes holding one of `phrases` whose language (nearest `lang`) is not the phrase's. */
function phrasesInWrongLanguage(page: Page, phrases: readonly Phrase[]): Promise<string[]> {
  return page.evaluate((list) => {
    const wrong: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (const phrase of list) {
        if (!text.includes(phrase.text)) continue;
        const lang = node.parentElement?.closest('[lang]')?.getAttribute('lang');
        if (lang !== phrase.lang)
          wrong.push(
            `"${phrase.text}" is in lang="${lang}", expected lang="${phrase.lang}" (in <${node.parentElement?.tagName.toLowerCase()}>)`,
          );
      }
    }
    // The language switch names the other language in that language.
    for (const link of document.querySelectorAll('header a[hreflang]')) {
      if (link.getAttribute('lang') !== link.getAttribute('hreflang'))
        wrong.push(
          `link "${link.textContent?.trim()}" to hreflang="${link.getAttribute('hreflang')}" has lang="${link.getAttribute('lang')}"`,
        );
    }
    return wrong;
  }, phrases as Phrase[]);
}

/** The page's controls (links, buttons, fields), by a signature that survives a layout change. */
function controls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea')]
      .filter((el) => el.checkVisibility({ visibilityProperty: true }))
      .map(
        (el) =>
          `${el.tagName.toLowerCase()} "${(el.textContent ?? '').replace(/\s+/g, ' ').trim() || el.getAttribute('name') || el.id}"`,
      ),
  );
}

/**
 * Reflow problems in the current viewport: horizontal scrolling, visible controls
 * cut by the edges, and controls of the desktop layout (`expected`) that are neither
 * visible nor inside a region a visible button opens (a DSFR menu, a collapse).
 */
function reflowIssues(page: Page, expected: string[]): Promise<string[]> {
  return page.evaluate((expectedControls) => {
    const issues: string[] = [];
    const width = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) {
      const wide = [...document.body.querySelectorAll<HTMLElement>('*')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && el.checkVisibility())
        .filter((el) => ![...el.children].some((child) => child.getBoundingClientRect().right > width + 1))
        .slice(0, 5)
        .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}">`);
      issues.push(`horizontal scroll: scrollWidth ${scrollWidth} > ${width} (widest: ${wide.join(', ')})`);
    }
    const signature = (el: HTMLElement) =>
      `${el.tagName.toLowerCase()} "${(el.textContent ?? '').replace(/\s+/g, ' ').trim() || el.getAttribute('name') || el.id}"`;
    const all = [
      ...document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), select, textarea'),
    ];
    const visible = all.filter((el) => el.checkVisibility({ visibilityProperty: true }));
    // A control inside a region that scrolls sideways (a DSFR table's container, focusable) is reached by scrolling it.
    const inScroller = (el: HTMLElement) => {
      for (let parent = el.parentElement; parent; parent = parent.parentElement) {
        if (/auto|scroll/.test(getComputedStyle(parent).overflowX) && parent.scrollWidth > parent.clientWidth)
          return true;
      }
      return false;
    };
    for (const el of visible) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && (box.left < -1 || box.right > width + 1) && !inScroller(el))
        issues.push(
          `${signature(el)} is cut by the edge (${Math.round(box.left)}..${Math.round(box.right)} of ${width})`,
        );
    }
    // Regions a visible control opens (aria-controls): the DSFR header menu, the side menu's collapse.
    const openable = visible
      .map((el) => el.getAttribute('aria-controls'))
      .filter(Boolean)
      .map((id) => document.getElementById(id!))
      .filter(Boolean) as HTMLElement[];
    const reachable = new Set([
      ...visible.map(signature),
      ...all.filter((el) => openable.some((region) => region.contains(el))).map(signature),
    ]);
    for (const control of expectedControls)
      if (!reachable.has(control)) issues.push(`${control} is no longer reachable`);
    return issues;
  }, expected);
}
