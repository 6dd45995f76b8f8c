import { chosenDuration, estimateLoan, formatEuros } from '../../../sandbox/bank/loan.ts';

/** The bank's indicative computation (sandbox/bank/loan.ts), on the sandbox's rules. */
const RULES = { maxDebtRatio: 0.35, annualRatePercent: 3.5, durationsYears: [15, 20, 25] };
const JEAN = { taxYear: 2024, referenceTaxIncome: 50_410, shares: 3 };

test('monthly income, the highest repayment at 35 %, the principal it repays, the income per share', () => {
  expect(estimateLoan(JEAN, RULES, 25)).toEqual({
    taxYear: 2024,
    referenceTaxIncome: 50_410,
    shares: 3,
    incomePerShare: 16_803,
    monthlyIncome: 4_200,
    maxMonthlyRepayment: 1_470,
    durationYears: 25,
    annualRatePercent: 3.5,
    maxDebtRatio: 0.35,
    capacity: 293_692,
  });
  // A longer loan repays more principal with the same payment; amounts are never rounded up.
  expect(estimateLoan(JEAN, RULES, 15).capacity).toBe(205_668);
  expect(estimateLoan(JEAN, RULES, 20).capacity).toBe(253_516);
});

test('a half share, and a zero income (no capacity)', () => {
  expect(estimateLoan({ taxYear: 2024, referenceTaxIncome: 16_200, shares: 2.5 }, RULES, 20).incomePerShare).toBe(
    6_480,
  );
  expect(estimateLoan({ taxYear: 2024, referenceTaxIncome: 0, shares: 1 }, RULES, 20).capacity).toBe(0);
});

test('only a duration the bank offers is taken; anything else is the longest one', () => {
  expect(chosenDuration('20', RULES)).toBe(20);
  expect(chosenDuration('21', RULES)).toBe(25);
  expect(chosenDuration(null, RULES)).toBe(25);
  expect(chosenDuration('1e1', RULES)).toBe(25);
});

test('whole euros in the applicant’s language', () => {
  expect(formatEuros(253_516, 'fr').replace(/\s/g, ' ')).toBe('253 516 €');
  expect(formatEuros(253_516, 'en')).toBe('€253,516');
});
