import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Context } from 'koa';
import { contentSecurityPolicy, PAGE_HEADERS } from './csp.ts';
import { ACCESSIBILITY_STATEMENT_PATH, CONFORMITY } from './accessibility.ts';
import { DSFR_PREFIX } from './assets.ts';
import { createTranslator, negotiateLanguage, urlWithLanguage, type Language, type MessageCatalogs } from './i18n.ts';
import { inLanguage, messageHtml, type Markup } from './markup.ts';
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

/**
 * What every template gets besides its data: `lang`, `t` (a message as text), and for
 * phrases in another language than the page (WCAG 3.1.2), `french(text)` — a text held
 * in French only (names and purposes from the configuration or from a service) — and
 * `th(key, vars)`, a message as HTML whose variables may be such phrases:
 * `<%~ it.th('chooser.lead', { sp: it.french(it.sp) }) %>`.
 */
export interface TemplateHelpers {
  lang: Language;
  t: Translate;
  th: (key: string, vars?: Record<string, string | number | Markup>) => string;
  french: (text: string) => Markup;
}

export interface PageKit {
  /** Renders `view` of the component into the DSFR layout and sends it with the page headers. */
  render(
    ctx: Context,
    view: string,
    data: Record<string, unknown>,
    options: PageOptions | ((t: Translate) => PageOptions),
  ): void;
  /** The translator bound to this request's language. */
  translator(ctx: Context): { lang: Language; t: Translate };
}

/** Reads a message catalog (JSON) next to a module. */
export function readMessages(url: URL): Record<string, string> {
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
}

const kitMessages = {
  fr: readMessages(new URL('./messages/fr.json', import.meta.url)),
  en: readMessages(new URL('./messages/en.json', import.meta.url)),
};

const layoutEngine = new Eta({
  views: fileURLToPath(new URL('./views', import.meta.url)),
  autoEscape: true,
  cache: true,
});

/**
 * The shared kit of server-rendered citizen pages: a component gives its own
 * views folder and message catalogs; every page gets the DSFR layout, the
 * language negotiation and switch, autoescaped templates and a strict CSP.
 */
export function createPageKit(options: {
  views: string | URL;
  messages: MessageCatalogs;
  sandbox?: boolean;
  /** The language of `layout.service.title` when it is a configured name, not a translated message. */
  serviceTitleLang?: Language;
  /** The broker's accessibility statement, for a component on another origin (default: this one's path). */
  accessibilityStatementUrl?: string;
}): PageKit {
  const accessibilityStatement = options.accessibilityStatementUrl ?? ACCESSIBILITY_STATEMENT_PATH;
  const views = options.views instanceof URL ? fileURLToPath(options.views) : options.views;
  const engine = new Eta({ views, autoEscape: true, cache: true });
  const translate = createTranslator([kitMessages, options.messages]);

  const translator = (ctx: Context) => {
    const state = ctx.state as { lang?: Language };
    const lang = (state.lang ??= negotiateLanguage(ctx));
    const t: Translate = (key, vars) => translate(lang, key, vars);
    return { lang, t };
  };

  return {
    translator,
    render(ctx, view, data, pageOptions) {
      const { lang, t } = translator(ctx);
      const page = typeof pageOptions === 'function' ? pageOptions(t) : pageOptions;
      const helpers: TemplateHelpers = {
        lang,
        t,
        th: (key, vars = {}) => messageHtml(translate(lang, key), vars),
        french: (text) => inLanguage(text, 'fr', lang),
      };
      const body = engine.render(view, { ...data, ...helpers });
      const otherLang: Language = lang === 'fr' ? 'en' : 'fr';
      ctx.status = page.status ?? 200;
      ctx.type = 'text/html; charset=utf-8';
      ctx.set(PAGE_HEADERS);
      ctx.set('Content-Security-Policy', contentSecurityPolicy({ formAction: page.formAction ?? [] }));
      ctx.set('Content-Language', lang);
      ctx.body = layoutEngine.render('layout', {
        ...helpers,
        otherLang,
        body,
        title: page.title,
        assets: DSFR_PREFIX,
        serviceTitle: inLanguage(t('layout.service.title'), options.serviceTitleLang ?? lang, lang),
        accessibilityUrl: `${accessibilityStatement}?lang=${lang}`,
        conformity: CONFORMITY,
        switchUrl: urlWithLanguage(
          ctx,
          otherLang,
          page.languageSwitchPath?.startsWith('/') ? page.languageSwitchPath : undefined,
        ),
        sandbox: options.sandbox ?? false,
        refreshTo: page.refreshTo?.startsWith('/') ? page.refreshTo : undefined,
      });
    },
  };
}
