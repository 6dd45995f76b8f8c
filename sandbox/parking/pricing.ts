/**
 * The resident parking permit of a city, priced from data read through Passerelle:
 * the tax address (DGFiP), the vehicles (ANTS) and the family quotient (CNAF).
 *
 * A vehicle is eligible when the citizen's tax address is in the city and the
 * citizen holds or co-holds it. The monthly price depends on the family quotient
 * (brackets, the last one also for citizens who are not CAF/MSA beneficiaries) and
 * is reduced for the cleanest Crit'Air classes. Amounts are in euro cents. The
 * city's figures are data (`parking.tariff` in the configuration), not code. A procedure
 * done for someone else reads no family quotient: the price is then the default one. The
 * sentences explaining a result are in the service's message catalogs.
 */
export interface Tariff {
  /** INSEE code of the city whose residents get the permit. */
  cityCode: string;
  cityName: string;
  /** Ascending family-quotient brackets: price when QF ≤ upTo. */
  brackets: Array<{ upTo: number; monthlyCents: number }>;
  /** Price above the last bracket, or when the citizen is not a CAF/MSA beneficiary. */
  defaultMonthlyCents: number;
  /** Crit'Air classes that get the reduction, and the reduction (0.5 = half price). */
  reducedCritAir: number[];
  reductionRate: number;
}

/** The data the parking operation reads (its GraphQL result's `me`), as far as pricing needs it. */
export interface ParkingData {
  taxAddress: { cityCode: string; city: string } | null;
  vehicles: Array<{
    registrationNumber: string;
    holderRole: 'HOLDER' | 'CO_HOLDER';
    make?: string;
    model?: string;
    critAir: number | null;
  }> | null;
  /** Null: not a CAF/MSA beneficiary; undefined: not read (the operation for someone else). */
  familyQuotient?: { value: number; regime: 'CAF' | 'MSA' } | null | undefined;
}

export type Ineligibility = 'NO_TAX_ADDRESS' | 'NOT_RESIDENT' | 'NO_VEHICLE';

/** Why this base price: the family quotient's bracket, above the brackets, or no quotient at all. */
export type BaseReason =
  | { kind: 'BRACKET'; familyQuotient: number; upTo: number }
  | { kind: 'ABOVE_BRACKETS'; familyQuotient: number; upTo: number }
  | { kind: 'NOT_BENEFICIARY' }
  | { kind: 'NOT_READ' };

export interface VehiclePrice {
  registrationNumber: string;
  description: string;
  critAir: number | null;
  baseMonthlyCents: number;
  monthlyCents: number;
  reduced: boolean;
}

export type Quote =
  | { eligible: true; vehicles: VehiclePrice[]; base: BaseReason }
  | { eligible: false; reason: Ineligibility; /** the tax address's city, when there is one */ city?: string };

export function quote(data: ParkingData, tariff: Tariff): Quote {
  if (!data.taxAddress) return { eligible: false, reason: 'NO_TAX_ADDRESS' };
  if (data.taxAddress.cityCode !== tariff.cityCode)
    return { eligible: false, reason: 'NOT_RESIDENT', city: data.taxAddress.city };
  const vehicles = (data.vehicles ?? []).filter((v) => v.holderRole === 'HOLDER' || v.holderRole === 'CO_HOLDER');
  if (!vehicles.length) return { eligible: false, reason: 'NO_VEHICLE', city: data.taxAddress.city };

  const { base, monthlyCents } =
    data.familyQuotient === undefined
      ? { base: { kind: 'NOT_READ' } as const, monthlyCents: tariff.defaultMonthlyCents }
      : basePrice(data.familyQuotient?.value ?? null, tariff);
  return {
    eligible: true,
    base,
    vehicles: vehicles.map((v) => {
      const reduced = v.critAir !== null && tariff.reducedCritAir.includes(v.critAir);
      return {
        registrationNumber: v.registrationNumber,
        description: [v.make, v.model].filter(Boolean).join(' '),
        critAir: v.critAir,
        baseMonthlyCents: monthlyCents,
        monthlyCents: reduced ? Math.round(monthlyCents * (1 - tariff.reductionRate)) : monthlyCents,
        reduced,
      };
    }),
  };
}

function basePrice(familyQuotient: number | null, tariff: Tariff): { base: BaseReason; monthlyCents: number } {
  if (familyQuotient === null) return { base: { kind: 'NOT_BENEFICIARY' }, monthlyCents: tariff.defaultMonthlyCents };
  const bracket = tariff.brackets.find((b) => familyQuotient <= b.upTo);
  if (bracket)
    return { base: { kind: 'BRACKET', familyQuotient, upTo: bracket.upTo }, monthlyCents: bracket.monthlyCents };
  return {
    base: { kind: 'ABOVE_BRACKETS', familyQuotient, upTo: tariff.brackets.at(-1)!.upTo },
    monthlyCents: tariff.defaultMonthlyCents,
  };
}

/** "17,50 €" in French, "€17.50" in English. */
export function formatEuros(cents: number, lang: 'fr' | 'en' = 'fr'): string {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(
    cents / 100,
  );
}
