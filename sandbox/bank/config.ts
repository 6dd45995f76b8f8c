import { z } from 'zod';
import { serviceProviderFields } from '../service-provider/config.ts';

/** The bank's lending rules for the indicative computation (sandbox/bank/loan.ts). */
const LoanSection = z
  .strictObject({
    maxDebtRatio: z
      .number()
      .gt(0)
      .max(1)
      .default(0.35)
      .describe(
        'Highest share of monthly income the loan repayments may take (0.35: the 35 % of the French HCSF recommendation).',
      ),
    annualRatePercent: z
      .number()
      .gt(0)
      .max(20)
      .default(3.5)
      .describe('Nominal annual rate of the indicative loan, insurance included, in percent.'),
    durationsYears: z
      .array(z.number().int().min(5).max(30))
      .min(1)
      .default([15, 20, 25])
      .describe('Durations the applicant may choose on the home page, in years; the last one is preselected.'),
  })
  .prefault({})
  .describe("The bank's lending rules for the indicative computation (sandbox/bank/loan.ts).");

/**
 * The `bank` section of the configuration (sandbox configurations only): the sandbox bank
 * `banque-exemple`, a private service provider (docs/sandbox.md#the-sandbox-bank), as a bank
 * would configure its loan application service. Its registration at the broker is the
 * `serviceProviders` entry with the same `clientId` (marked `private`).
 */
export const BankSection = z
  .strictObject({
    ...serviceProviderFields,
    clientId: z
      .string()
      .min(1)
      .default('banque-exemple')
      .describe('Its client id at the broker (its `serviceProviders` entry).'),
    operationName: z
      .string()
      .min(1)
      .default('LoanApplication')
      .describe('The name under which the bank registered its operation (`serviceProviders[].operations`).'),
    purpose: z
      .string()
      .min(1)
      .max(300)
      .describe('Why the bank reads the data: shown to the citizen on the consent page.'),
    loan: LoanSection,
  })
  .describe(
    'The sandbox bank (sandbox/bank/, docs/sandbox.md#the-sandbox-bank), a private service provider, sandbox configurations only. ' +
      'Its registration at the broker is the `serviceProviders` entry with the same `clientId`.',
  );
export type BankConfig = z.output<typeof BankSection>;
export type LoanRules = z.output<typeof LoanSection>;
