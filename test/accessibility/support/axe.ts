/// <reference lib="dom" />
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core run inside the page. Its source is evaluated through the DevTools
 * protocol, which the page's Content-Security-Policy does not govern: the pages are
 * checked under their real CSP (no `bypassCSP`, no inline script added to them).
 */
const axe = createRequire(import.meta.url)('axe-core') as { source: string; version: string };

export const AXE_VERSION = axe.version;

/** The rule sets run: WCAG 2.0 and 2.1, levels A and AA (what RGAA 4 maps to), and Deque's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] as const;

/**
 * Rules switched off, each with the reason (also stated in the accessibility
 * statement). None: a violation is fixed in the page, not silenced here.
 */
export const DISABLED_RULES: Readonly<Record<string, string>> = {};

export interface Violation {
  rule: string;
  impact: string | null;
  help: string;
  /** One line per offending element: its selector and what is wrong. */
  nodes: string[];
}

/** Every violation on the page as it is now (none is the only passing result). */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(
    async ({ tags, disabled }) => {
      const run = (
        window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: any[] }> } }
      ).axe.run;
      const results = await run(document, {
        runOnly: { type: 'tag', values: tags },
        rules: Object.fromEntries(disabled.map((id) => [id, { enabled: false }])),
        resultTypes: ['violations'],
      });
      return results.violations.map((v) => ({
        rule: v.id as string,
        impact: v.impact as string | null,
        help: v.help as string,
        nodes: (v.nodes as Array<{ target: string[]; failureSummary?: string }>).map(
          (n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`,
        ),
      }));
    },
    { tags: [...AXE_TAGS], disabled: Object.keys(DISABLED_RULES) },
  );
}
