import { z } from 'zod';
import { serviceProviderFields } from '../service-provider/config.ts';

/** A city's resident parking tariff (sandbox/parking/pricing.ts); amounts in euro cents. */
const TariffSection = z
  .strictObject({
    cityCode: z
      .string()
      .regex(/^(\d{5}|2[AB]\d{3})$/, 'must be an INSEE commune code')
      .describe('INSEE code of the city whose residents get the permit.'),
    cityName: z.string().min(1).describe("The city's name, on the pages."),
    brackets: z
      .array(
        z.strictObject({
          upTo: z.number().int().nonnegative().describe('Highest family quotient of the bracket.'),
          monthlyCents: z.number().int().nonnegative().describe('Monthly price in the bracket, in euro cents.'),
        }),
      )
      .min(1)
      .refine(
        (list) => list.every((b, i) => i === 0 || b.upTo > list[i - 1]!.upTo),
        'brackets must be in ascending upTo order',
      )
      .describe('Ascending family-quotient brackets: the price when QF ≤ upTo.'),
    defaultMonthlyCents: z
      .number()
      .int()
      .nonnegative()
      .describe('Price above the last bracket, or for a citizen who is not a CAF/MSA beneficiary.'),
    reducedCritAir: z.array(z.number().int().min(0).max(5)).describe("Crit'Air classes that get the reduction."),
    reductionRate: z.number().min(0).max(1).describe('The reduction (0.5 = half price).'),
  })
  .describe("The city's resident parking tariff (sandbox/parking/pricing.ts); amounts in euro cents.");

/**
 * The `parking` section of the configuration (sandbox configurations only): the sandbox
 * parking service's own settings, as a city would configure its service — an OpenID
 * client of the broker and a GraphQL client of the gateway. Its registration at the
 * broker is the `serviceProviders` entry with the same `clientId`. The platform's
 * loader does not know it: the composition root hands it in (bin/config.ts).
 */
export const ParkingSection = z
  .strictObject({
    ...serviceProviderFields,
    clientId: z
      .string()
      .min(1)
      .default('parking-nimes')
      .describe('Its client id at the broker (its `serviceProviders` entry).'),
    operationName: z
      .string()
      .min(1)
      .default('Parking')
      .describe('The name under which the service registered its operation (`serviceProviders[].operations`).'),
    purpose: z
      .string()
      .min(1)
      .max(300)
      .describe('Why the city reads the data: shown to the citizen on the consent page.'),
    forSomeoneOperationName: z
      .string()
      .min(1)
      .default('ParkingForSomeone')
      .describe(
        'The operation registered for a procedure done for someone else under a mandate (no family quotient: docs/parking.md).',
      ),
    forSomeonePurpose: z
      .string()
      .min(1)
      .max(300)
      .default(
        'Calculer le tarif mensuel de la vignette de stationnement résident de la personne pour qui vous faites la démarche, pour chacun de ses véhicules.',
      )
      .describe('Why the city reads the data of the person represented: shown on the consent page.'),
    tariff: TariffSection,
  })
  .describe(
    "The sandbox parking service (sandbox/parking/, docs/parking.md), sandbox configurations only: the city's own settings. " +
      'Its registration at the broker is the `serviceProviders` entry with the same `clientId`.',
  );
export type ParkingConfig = z.output<typeof ParkingSection>;
