import type { Context } from 'koa';
import type { Language } from '../../lib/web/i18n.ts';
import type { Translate } from '../../lib/web/render.ts';
import { createServicePages } from '../service-provider/pages.ts';
import { parkingErrors, parkingFailureOf } from './errors.ts';
import type { CitizenRecords } from './operation.ts';
import { formatEuros, type Quote, type Tariff } from './pricing.ts';

/** What the permit page shows: the quote and the records it was computed from. */
export interface PermitView {
  quote: Quote;
  records: CitizenRecords;
  readAt: Date;
  /** The citizen's name, when the broker gave it. */
  name: string | undefined;
  /** Who asked for the permit when acting for the citizen under a mandate (the ID token's `act`). */
  actorName?: string | undefined;
  csrf: string;
}

/**
 * The parking service's pages, on the shared DSFR kit (lib/web): home with the
 * sign-in button, the permit's price with the data used; error pages and logout are the
 * shared ones of sandbox/service-provider/pages.ts.
 * The city's name and tariff come from the settings, never from the templates.
 */
export function createParkingPages(options: { serviceName: string; tariff: Tariff; issuer: string; sandbox: boolean }) {
  const { tariff } = options;
  const shared = createServicePages({
    folder: new URL('./', import.meta.url),
    serviceName: options.serviceName,
    issuer: options.issuer,
    sandbox: options.sandbox,
    errors: parkingErrors,
    kindOf: parkingFailureOf,
  });
  const { kit, toBroker } = shared;

  const tariffRows = (t: Translate, lang: Language) => [
    ...tariff.brackets.map((b) => ({
      label: t('home.tariff.bracket', { upTo: b.upTo }),
      price: t('permit.per-month', { price: formatEuros(b.monthlyCents, lang) }),
    })),
    {
      label: t('home.tariff.default', { upTo: tariff.brackets.at(-1)!.upTo }),
      price: t('permit.per-month', { price: formatEuros(tariff.defaultMonthlyCents, lang) }),
    },
  ];

  return {
    kit,

    home(ctx: Context, page: { signedIn: boolean }) {
      const { t, lang } = kit.translator(ctx);
      const reduction =
        tariff.reducedCritAir.length && tariff.reductionRate > 0
          ? t('home.tariff.reduction', {
              rate: Math.round(tariff.reductionRate * 100),
              classes: tariff.reducedCritAir.join(lang === 'fr' ? ' ou ' : ' or '),
            })
          : undefined;
      kit.render(
        ctx,
        'home',
        { city: tariff.cityName, signedIn: page.signedIn, tariffRows: tariffRows(t, lang), reduction },
        { title: t('home.title'), ...toBroker },
      );
    },

    permit(ctx: Context, view: PermitView) {
      const { t, lang } = kit.translator(ctx);
      const euros = (cents: number) => formatEuros(cents, lang);
      const { quote, records } = view;
      const critAir = (value: number | null) => (value === null ? t('permit.data.critair.none') : String(value));
      kit.render(
        ctx,
        'permit',
        {
          quote,
          records,
          city: tariff.cityName,
          name: view.name,
          actorName: view.actorName,
          csrf: view.csrf,
          readAt: new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
            dateStyle: 'long',
            timeStyle: 'short',
            timeZone: 'Europe/Paris',
          }).format(view.readAt),
          baseSentence: quote.eligible ? baseSentence(t, quote, euros) : undefined,
          reasonSentence: quote.eligible
            ? undefined
            : t(`permit.reason.${quote.reason}`, { city: quote.city ?? '', tariffCity: tariff.cityName }),
          vehicleRows: quote.eligible
            ? quote.vehicles.map((v) => ({
                description: v.description,
                plate: v.registrationNumber,
                monthlyCents: v.monthlyCents,
                critAir: critAir(v.critAir),
                price: t('permit.per-month', { price: euros(v.monthlyCents) }),
                note: v.reduced
                  ? t('permit.reduced', { price: euros(v.baseMonthlyCents), critAir: critAir(v.critAir) })
                  : t('permit.not-reduced'),
              }))
            : [],
          vehicleData: (records.vehicles ?? []).map((v) =>
            t('permit.data.vehicle', {
              plate: v.registrationNumber,
              description: `${v.make} ${v.model}`,
              role: t(`permit.data.role.${v.holderRole}`),
              critAir: critAir(v.critAir),
            }),
          ),
          quotientData: records.familyQuotient
            ? t('permit.data.quotient.value', {
                value: records.familyQuotient.value,
                regime: records.familyQuotient.regime,
                month: records.familyQuotient.month,
              })
            : t(records.familyQuotient === undefined ? 'permit.data.quotient.not-read' : 'permit.data.quotient.none'),
        },
        { title: t('permit.title'), ...toBroker },
      );
    },

    error: shared.error,
    loggedOut: shared.loggedOut,
  };
}

export type ParkingPages = ReturnType<typeof createParkingPages>;

function baseSentence(
  t: Translate,
  quote: Extract<Quote, { eligible: true }>,
  euros: (cents: number) => string,
): string {
  const price = euros(quote.vehicles[0]!.baseMonthlyCents);
  const { base } = quote;
  return base.kind === 'NOT_BENEFICIARY' || base.kind === 'NOT_READ'
    ? t(`permit.base.${base.kind}`, { price })
    : t(`permit.base.${base.kind}`, { price, familyQuotient: base.familyQuotient, upTo: base.upTo });
}
