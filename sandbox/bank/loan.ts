import type { LoanRules } from './config.ts';
import type { TaxHousehold } from './operation.ts';

/**
 * The bank's indicative borrowing capacity, from the two figures the applicant agreed to
 * share — the tax household's reference tax income (RFR) and number of tax shares — and
 * the bank's rules (`bank.loan` in the configuration). Nothing else is read or assumed:
 *
 *   monthly income     = RFR / 12
 *                        (the RFR is the household's income after the 10 % allowance for
 *                        professional expenses: below its net income, so the estimate errs
 *                        on the prudent side)
 *   monthly repayment  ≤ monthly income × maxDebtRatio
 *                        (the debt-to-income ratio, 35 % by default: the French HCSF
 *                        recommendation, insurance included; no other credit is known to
 *                        the bank here, so none is deducted)
 *   capacity           = repayment × (1 − (1 + r)^−n) / r
 *                        (the principal a constant-payment loan of n monthly payments at the
 *                        monthly rate r = annualRatePercent / 1200 repays)
 *   income per share   = RFR / shares
 *                        (shown for the household's size: the same income goes further for
 *                        one person than for a couple with children)
 *
 * Amounts are in whole euros, rounded down (a capacity is never overstated). It is an
 * indication for a sandbox, not an offer: a real bank also reads debts, savings, the
 * project's cost.
 */
export interface LoanEstimate {
  taxYear: number;
  referenceTaxIncome: number;
  shares: number;
  incomePerShare: number;
  monthlyIncome: number;
  maxMonthlyRepayment: number;
  durationYears: number;
  annualRatePercent: number;
  maxDebtRatio: number;
  capacity: number;
}

export function estimateLoan(household: TaxHousehold, rules: LoanRules, durationYears: number): LoanEstimate {
  const monthlyIncome = household.referenceTaxIncome / 12;
  const maxMonthlyRepayment = monthlyIncome * rules.maxDebtRatio;
  const months = durationYears * 12;
  const rate = rules.annualRatePercent / 1200;
  const capacity = (maxMonthlyRepayment * (1 - (1 + rate) ** -months)) / rate;
  return {
    taxYear: household.taxYear,
    referenceTaxIncome: household.referenceTaxIncome,
    shares: household.shares,
    incomePerShare: Math.floor(household.referenceTaxIncome / household.shares),
    monthlyIncome: Math.floor(monthlyIncome),
    maxMonthlyRepayment: Math.floor(maxMonthlyRepayment),
    durationYears,
    annualRatePercent: rules.annualRatePercent,
    maxDebtRatio: rules.maxDebtRatio,
    capacity: Math.floor(capacity),
  };
}

/** The duration asked on the home page, if it is one the bank offers; else the last (longest) one. */
export function chosenDuration(asked: string | null, rules: LoanRules): number {
  const years = Number(asked);
  return rules.durationsYears.includes(years) ? years : rules.durationsYears.at(-1)!;
}

/** Whole euros, as the applicant's language writes them: "50 410 €", "€50,410". */
export function formatEuros(euros: number, lang: 'fr' | 'en'): string {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: 0,
  }).format(euros);
}
