import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Context } from 'koa';
import { contentSecurityPolicy, PAGE_HEADERS } from './csp.ts';
import { DSFR_PREFIX } from './assets.ts';
import { createTranslator, negotiateLanguage, urlWithLanguage, type Language, type MessageCatalogs } from './i18n.ts';
import { readFileSync } from 'node:fs';

export interface PageOptions {
  status?: number;
  /** Page title (already translated). */
  title: string;
  /** Other origins this page's forms may lead to (see csp.ts). */
  formAction?: readonly string[];
  /** Same-origin path the browser moves on to at once (meta refresh: no script needed). */
  refreshTo?: string;
  /**
   * Where the language switch leads (a same-origin path that shows this page again),
   * for a page answering a request that cannot be repeated: a POST, or a one-time
   * callback. Default: the current URL.
   */
  languageSwitchPath?: string;
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export interface PageKit {
  /** Renders `view` of the component into the DSFR layout and sends it with the page headers. */
  render(ctx: Context, view: string, data: Record<string, unknown>, options: PageOptions | ((t: Translate) => PageOptions)): void;
  /** The translator bound to this request's language. */
  translator(ctx: Context): { lang: Language; t: Translate };
}

/** Reads a message catalog (JSON) next to a module. */
export function readMessages(url: URL): Record<string, string> {
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
}

const kitMessages = { fr: readMessages(new URL('./messages/fr.json', import.meta.url)), en: readMessages(new URL('./messages/en.json', import.meta.url)) };

const layoutEngine = new Eta({ views: fileURLToPath(new URL('./views', import.meta.url)), autoEscape: true, cache: true });

/**
 * The shared kit of server-rendered citizen pages: a component gives its own
 * views folder and message catalogs; every page gets the DSFR layout, the
 * language negotiation and switch, autoescaped templates and a strict CSP.
 */
export function createPageKit(options: { views: string | URL; messages: MessageCatalogs; sandbox?: boolean }): PageKit {
  const views = options.views instanceof URL ? fileURLToPath(options.views) : options.views;
  const engine = new Eta({ views, autoEscape: true, cache: true });
  const translate = createTranslator([kitMessages, options.messages]);

  const translator = (ctx: Context) => {
    const state = ctx.state as { lang?: Language };
    const lang = state.lang ??= negotiateLanguage(ctx);
    const t: Translate = (key, vars) => translate(lang, key, vars);
    return { lang, t };
  };

  return {
    translator,
    render(ctx, view, data, pageOptions) {
      const { lang, t } = translator(ctx);
      const page = typeof pageOptions === 'function' ? pageOptions(t) : pageOptions;
      const body = engine.render(view, { ...data, lang, t });
      const otherLang: Language = lang === 'fr' ? 'en' : 'fr';
      ctx.status = page.status ?? 200;
      ctx.type = 'text/html; charset=utf-8';
      ctx.set(PAGE_HEADERS);
      ctx.set('Content-Security-Policy', contentSecurityPolicy({ formAction: page.formAction ?? [] }));
      ctx.set('Content-Language', lang);
      ctx.body = layoutEngine.render('layout', {
        lang, otherLang, t, body, title: page.title, assets: DSFR_PREFIX,
        switchUrl: urlWithLanguage(ctx, otherLang, page.languageSwitchPath?.startsWith('/') ? page.languageSwitchPath : undefined), sandbox: options.sandbox ?? false,
        refreshTo: page.refreshTo?.startsWith('/') ? page.refreshTo : undefined,
      });
    },
  };
}
