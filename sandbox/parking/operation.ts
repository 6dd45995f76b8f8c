import { z } from 'zod';
import { readOperation } from '../service-provider/operation.ts';

/**
 * The one GraphQL operation the parking service runs at the gateway
 * (`parking.graphql`), and the shape its result must have. A result that
 * does not fit is refused rather than priced.
 */
export const PARKING_OPERATION = readOperation(new URL('./parking.graphql', import.meta.url));

/**
 * The operation of a procedure done for someone else (`parking-for-someone.graphql`):
 * no family quotient, so that a mandate for transport and housing covers it.
 */
export const PARKING_FOR_SOMEONE_OPERATION = readOperation(new URL('./parking-for-someone.graphql', import.meta.url));

const TaxAddress = z.object({
  lines: z.array(z.string()),
  postalCode: z.string(),
  city: z.string(),
  cityCode: z.string(),
});

const Vehicle = z.object({
  registrationNumber: z.string(),
  holderRole: z.enum(['HOLDER', 'CO_HOLDER']),
  make: z.string(),
  model: z.string(),
  critAir: z.number().int().min(0).max(5).nullable(),
});

const FamilyQuotient = z.object({
  value: z.number().int().nonnegative(),
  month: z.string(),
  regime: z.enum(['CAF', 'MSA']),
});

/**
 * `data` of the operation's result: `null` means the provider does not know the citizen;
 * an absent family quotient was not asked for (the operation for someone else).
 */
export const ParkingResult = z.object({
  me: z.object({
    taxAddress: TaxAddress.nullable(),
    vehicles: z.array(Vehicle).nullable(),
    familyQuotient: FamilyQuotient.nullable().optional(),
  }),
});
export type CitizenRecords = z.infer<typeof ParkingResult>['me'];
