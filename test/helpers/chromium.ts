import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's headless Chromium for the browser tests (never a downloaded browser), and a
 * watcher that collects what a citizen's page must never do: console errors (CSP
 * violations are reported there), uncaught page errors, requests leaving the machine.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Problems seen on `page` so far (the array fills as the page runs). */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    const { hostname } = new URL(request.url());
    if (hostname !== 'localhost' && hostname !== '127.0.0.1' && hostname !== '[::1]')
      problems.push(`external request ${request.url()}`);
  });
  return problems;
}

/** `test-output/<sub>/`, created: where browser tests save their screenshots. */
export function testOutputDir(sub = ''): URL {
  const dir = new URL(`../../test-output/${sub ? `${sub}/` : ''}`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  return dir;
}
