import type { Context } from 'koa';

/** Pages are in French; English is available (`?lang=en`, a cookie, or Accept-Language). */
export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const DEFAULT_LANGUAGE: Language = 'fr';
const COOKIE = 'lang';

export type Messages = Record<string, string>;
export type MessageCatalogs = Record<Language, Messages>;

/** The language of this request; a `?lang=` choice is remembered in a cookie. */
export function negotiateLanguage(ctx: Context): Language {
  const asked = ctx.query.lang;
  if (typeof asked === 'string' && isLanguage(asked)) {
    ctx.cookies.set(COOKIE, asked, {
      httpOnly: true,
      sameSite: 'lax',
      signed: false,
      overwrite: true,
      maxAge: 365 * 86400_000,
    });
    return asked;
  }
  const remembered = ctx.cookies.get(COOKIE, { signed: false });
  if (remembered && isLanguage(remembered)) return remembered;
  const accepted = ctx.acceptsLanguages([...LANGUAGES]);
  return typeof accepted === 'string' && isLanguage(accepted) ? accepted : DEFAULT_LANGUAGE;
}

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/**
 * A translator over merged catalogs (the kit's own, then a component's).
 * `{name}` placeholders are replaced by `vars`; a missing key is a bug, so it
 * throws rather than showing a raw key to a citizen.
 */
export function createTranslator(
  catalogs: MessageCatalogs[],
): (lang: Language, key: string, vars?: Record<string, string | number>) => string {
  const merged: MessageCatalogs = { fr: {}, en: {} };
  for (const catalog of catalogs) {
    for (const lang of LANGUAGES) Object.assign(merged[lang], catalog[lang]);
  }
  for (const key of Object.keys(merged.fr)) {
    if (!(key in merged.en)) throw new Error(`message "${key}" has no English text`);
  }
  return (lang, key, vars = {}) => {
    const text = merged[lang][key];
    if (text === undefined) throw new Error(`unknown message "${key}"`);
    return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
  };
}

/** The current URL (or `path`, which may carry a query) with another language: the switch link. */
export function urlWithLanguage(ctx: Context, lang: Language, path?: string): string {
  const [pathname, query] =
    path === undefined ? [ctx.path, ctx.querystring] : [path.split('?')[0]!, path.split('?')[1] ?? ''];
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  return `${pathname}?${params.toString()}`;
}
