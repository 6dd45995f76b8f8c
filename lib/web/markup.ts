import type { Language } from './i18n.ts';

/**
 * HTML for the templates' raw output (`<%~ %>`): escaped text, with a `lang` of its
 * own for a phrase in another language than the page (WCAG 3.1.2, RGAA 8.7).
 */
export class Markup {
  constructor(readonly html: string) {}

  toString(): string {
    return this.html;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** `text`, written in `textLang`, for a page in `pageLang`: in a `<span lang>` when they differ. */
export function inLanguage(text: string, textLang: Language, pageLang: Language): Markup {
  const escaped = escapeHtml(text);
  return new Markup(textLang === pageLang ? escaped : `<span lang="${textLang}">${escaped}</span>`);
}

/** A translated message as HTML: the message and plain variables escaped, `Markup` variables kept. */
export function messageHtml(message: string, vars: Record<string, string | number | Markup>): string {
  const placeholder = /\{(\w+)\}/g;
  let html = '';
  let last = 0;
  for (const match of message.matchAll(placeholder)) {
    html += escapeHtml(message.slice(last, match.index));
    const value = vars[match[1]!];
    html +=
      value === undefined ? escapeHtml(match[0]) : value instanceof Markup ? value.html : escapeHtml(String(value));
    last = match.index + match[0].length;
  }
  return html + escapeHtml(message.slice(last));
}
