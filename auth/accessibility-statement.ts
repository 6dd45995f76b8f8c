import { createRequire } from 'node:module';
import Router from '@koa/router';
import type { Config } from '../lib/config/load.ts';
import { ACCESSIBILITY_STATEMENT_PATH, CONFORMITY } from '../lib/web/accessibility.ts';
import type { BrokerPages } from './pages.ts';

const DSFR_VERSION = (createRequire(import.meta.url)('@gouvfr/dsfr/package.json') as { version: string }).version;

/**
 * The accessibility statement the RGAA requires (`GET /accessibilite`, French, English
 * with `?lang=en`), linked from the footer of every page. Its text is one template
 * per language (views/accessibility-<lang>.eta): conformity status, the results of the
 * automated checks (test/accessibility/) and what they leave unchecked, how it was
 * established, contact and the Défenseur des droits. The operator's name and contact
 * come from `broker.accessibility`.
 */
export function accessibilityStatementRoutes(deps: { config: Config; pages: BrokerPages }): Router {
  const { entity, contact } = deps.config.broker.accessibility;
  const router = new Router();
  router.get(ACCESSIBILITY_STATEMENT_PATH, (ctx) => {
    const { lang } = deps.pages.kit.translator(ctx);
    deps.pages.kit.render(
      ctx,
      `accessibility-${lang}`,
      {
        conformity: CONFORMITY,
        entity,
        contact: contact
          ? { text: contact, href: contact.startsWith('https://') ? contact : `mailto:${contact}` }
          : undefined,
        sandbox: deps.config.sandbox,
        dsfrVersion: DSFR_VERSION,
      },
      (t) => ({ title: t('accessibility.title') }),
    );
  });
  return router;
}
