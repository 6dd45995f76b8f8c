import { readFileSync } from 'node:fs';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';

/**
 * The one GraphQL operation the parking service runs at the gateway
 * (`parking.graphql`), and the shape its result must have. A result that
 * does not fit is refused rather than priced.
 */
export const PARKING_DOCUMENT = readFileSync(new URL('./parking.graphql', import.meta.url), 'utf8');

export const PARKING_OPERATION_NAME = operationNameOf(PARKING_DOCUMENT);

/**
 * The operation of a procedure done for someone else (`parking-for-someone.graphql`):
 * no family quotient, so that a mandate for transport and housing covers it.
 */
export const PARKING_FOR_SOMEONE_DOCUMENT = readFileSync(
  new URL('./parking-for-someone.graphql', import.meta.url),
  'utf8',
);
export const PARKING_FOR_SOMEONE_OPERATION_NAME = operationNameOf(PARKING_FOR_SOMEONE_DOCUMENT);

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

/** The canonical form the federation compares registered documents by (layout and comments do not count). */
export function canonicalDocument(document: string): string {
  return print(parse(document));
}

function operationNameOf(document: string): string {
  const operations = parse(document).definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const name = operations[0]?.name?.value;
  if (operations.length !== 1 || !name) throw new Error('parking.graphql must hold exactly one named operation');
  return name;
}
