import type { Context } from 'koa';
import type { Language } from '../../lib/web/i18n.ts';
import { createServicePages } from '../service-provider/pages.ts';
import type { LoanRules } from './config.ts';
import { bankErrors } from './errors.ts';
import { formatEuros, type LoanEstimate } from './loan.ts';

/** What the application page shows: the estimate (none when the DGFiP knows no tax household) and when the data was read. */
export interface ApplicationView {
  estimate: LoanEstimate | undefined;
  readAt: Date;
  /** The applicant's name, when the broker gave it. */
  name: string | undefined;
  csrf: string;
}

const locale = (lang: Language) => (lang === 'fr' ? 'fr-FR' : 'en-GB');
const percent = (value: number, lang: Language, digits = 0) =>
  new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: digits }).format(value);

/**
 * The bank's pages, on the shared DSFR kit (lib/web) and the shared service pages
 * (sandbox/service-provider/pages.ts: errors, logged out): the loan application's home
 * with the sign-in button, and the estimate with the data and the computation used.
 */
export function createBankPages(options: { serviceName: string; issuer: string; sandbox: boolean; loan: LoanRules }) {
  const { loan } = options;
  const shared = createServicePages({
    folder: new URL('./', import.meta.url),
    serviceName: options.serviceName,
    issuer: options.issuer,
    sandbox: options.sandbox,
    errors: bankErrors,
    kindOf: bankErrors.kindOf,
  });
  const { kit, toBroker } = shared;
  const rate = (lang: Language) => percent(loan.annualRatePercent / 100, lang, 2);

  return {
    kit,

    home(ctx: Context, page: { signedIn: boolean }) {
      const { t, lang } = kit.translator(ctx);
      kit.render(
        ctx,
        'home',
        {
          signedIn: page.signedIn,
          durations: loan.durationsYears,
          defaultDuration: loan.durationsYears.at(-1),
          ratio: percent(loan.maxDebtRatio, lang),
          rate: rate(lang),
        },
        { title: t('home.title'), ...toBroker },
      );
    },

    application(ctx: Context, view: ApplicationView) {
      const { t, lang } = kit.translator(ctx);
      const euros = (amount: number) => formatEuros(amount, lang);
      const { estimate } = view;
      kit.render(
        ctx,
        'application',
        {
          name: view.name,
          csrf: view.csrf,
          estimate,
          ratio: percent(estimate?.maxDebtRatio ?? loan.maxDebtRatio, lang),
          rate: percent((estimate?.annualRatePercent ?? loan.annualRatePercent) / 100, lang, 2),
          amounts: estimate
            ? {
                rfr: euros(estimate.referenceTaxIncome),
                shares: new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 2 }).format(estimate.shares),
                income: euros(estimate.monthlyIncome),
                repayment: euros(estimate.maxMonthlyRepayment),
                capacity: euros(estimate.capacity),
                perShare: euros(estimate.incomePerShare),
              }
            : undefined,
          readAt: new Intl.DateTimeFormat(locale(lang), {
            dateStyle: 'long',
            timeStyle: 'short',
            timeZone: 'Europe/Paris',
          }).format(view.readAt),
        },
        { title: t('application.title'), ...toBroker },
      );
    },

    error: shared.error,
    loggedOut: shared.loggedOut,
  };
}

export type BankPages = ReturnType<typeof createBankPages>;
