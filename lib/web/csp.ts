/**
 * The Content-Security-Policy of every page: everything from our own origin,
 * no inline script or style, no third party. `formAction` lists the other
 * origins a form on the page may lead to (browsers check the redirects that
 * follow a form post too: the IdP chosen, the SP returned to).
 */
export function contentSecurityPolicy(options: { formAction?: readonly string[] } = {}): string {
  const formAction = ["'self'", ...new Set((options.formAction ?? []).map(originOf).filter(Boolean))];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    `form-action ${formAction.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** Headers every page carries besides the CSP. */
export const PAGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
