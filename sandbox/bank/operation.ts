import { z } from 'zod';
import { readOperation } from '../service-provider/operation.ts';

/**
 * The one GraphQL operation the bank runs at the gateway (`loan-application.graphql`): the
 * tax household's reference tax income and shares, and the shape its result must have. A
 * result that does not fit is refused rather than computed on.
 */
export const LOAN_APPLICATION_OPERATION = readOperation(new URL('./loan-application.graphql', import.meta.url));

/** `data` of the operation's result: `taxHousehold` is `null` when the DGFiP knows no tax return of the citizen's. */
export const LoanApplicationResult = z.object({
  me: z.object({
    taxHousehold: z
      .object({
        taxYear: z.number().int(),
        referenceTaxIncome: z.number().int().nonnegative(),
        shares: z.number().positive(),
      })
      .nullable(),
  }),
});
export type TaxHousehold = NonNullable<z.infer<typeof LoanApplicationResult>['me']['taxHousehold']>;
