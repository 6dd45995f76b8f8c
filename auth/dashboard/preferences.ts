import type { Config } from '../../lib/config/load.ts';
import type { Language } from '../../lib/web/i18n.ts';
import type { Translate } from '../../lib/web/render.ts';
import { brokerErrors } from '../errors.ts';
import type { IdpPreferenceStore } from '../idp-preferences.ts';
import { formatTime, type Vocabulary } from './event-view.ts';

export interface PreferencesView {
  idps: Array<{ name: string; displayName: string; blocked: boolean; current: boolean; lastUsed: string | undefined }>;
  allowNewIdps: boolean;
}

export async function preferencesView(
  store: IdpPreferenceStore,
  config: Config,
  words: Vocabulary,
  accountId: string,
  currentIdp: string | undefined,
  lang: Language,
): Promise<PreferencesView> {
  const preferences = await store.get(accountId);
  const blocked = new Set(preferences.blocked);
  return {
    allowNewIdps: preferences.allowNewIdps,
    idps: config.identityProviders.map((idp) => {
      const used = preferences.used.find((u) => u.idp === idp.name);
      return {
        name: idp.name,
        displayName: words.idp(idp.name),
        blocked: blocked.has(idp.name),
        current: idp.name === currentIdp,
        lastUsed: used ? formatTime(new Date(used.lastUsedAt), lang) : undefined,
      };
    }),
  };
}

/**
 * The identity-provider preferences page shows and changes what auth/idp-preferences.ts
 * keeps and enforces at sign-in. A preferences form: `action` = block | unblock (with `idp`) or allow-new | refuse-new.
 * Blocking the IdP of this very session is refused by the store (its own code).
 */
export async function applyPreference(
  store: IdpPreferenceStore,
  config: Config,
  accountId: string,
  currentIdp: string,
  form: URLSearchParams,
): Promise<string> {
  const action = form.get('action');
  if (action === 'allow-new' || action === 'refuse-new') {
    await store.setAllowNewIdps(accountId, action === 'allow-new');
    return action;
  }
  const idp = form.get('idp') ?? '';
  if ((action !== 'block' && action !== 'unblock') || !config.identityProviders.some((i) => i.name === idp)) {
    throw brokerErrors.error('DASHBOARD_PREFERENCE_INVALID');
  }
  await store.setBlocked(accountId, idp, action === 'block', { currentIdp });
  return action;
}

export function preferenceNotice(done: unknown, t: Translate): string | undefined {
  return typeof done === 'string' && ['block', 'unblock', 'allow-new', 'refuse-new'].includes(done)
    ? t(`dashboard.preferences.done.${done}`)
    : undefined;
}
