/**
 * The resident parking permit of a city, priced from data read through Passerelle:
 * the tax address (DGFiP), the vehicles (ANTS) and the family quotient (CNAF).
 *
 * A vehicle is eligible when the citizen's tax address is in the city and the
 * citizen holds or co-holds it. The monthly price depends on the family quotient
 * (brackets, the last one also for citizens who are not CAF/MSA beneficiaries) and
 * is reduced for the cleanest Crit'Air classes. Amounts are in euro cents.
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

/** Nîmes' tariff (DESIGN.md). */
export const NIMES_TARIFF: Tariff = {
  cityCode: '30189',
  cityName: 'Nîmes',
  brackets: [{ upTo: 700, monthlyCents: 1000 }, { upTo: 1200, monthlyCents: 2000 }],
  defaultMonthlyCents: 3500,
  reducedCritAir: [0, 1],
  reductionRate: 0.5,
};

/** The data the parking operation reads (its GraphQL result's `me`). */
export interface ParkingData {
  taxAddress: { cityCode: string; city: string } | null;
  vehicles: Array<{ registrationNumber: string; holderRole: 'HOLDER' | 'CO_HOLDER'; make?: string; model?: string; critAir: number | null }> | null;
  familyQuotient: { value: number; regime: 'CAF' | 'MSA' } | null;
}

export type Ineligibility = 'NO_TAX_ADDRESS' | 'NOT_RESIDENT' | 'NO_VEHICLE';

export interface VehiclePrice {
  registrationNumber: string;
  description: string;
  critAir: number | null;
  baseMonthlyCents: number;
  monthlyCents: number;
  reduced: boolean;
}

export type Quote =
  | { eligible: true; vehicles: VehiclePrice[]; familyQuotient: number | null; bracketReason: string }
  | { eligible: false; reason: Ineligibility; explanation: string };

export function quote(data: ParkingData, tariff: Tariff = NIMES_TARIFF): Quote {
  if (!data.taxAddress) {
    return { eligible: false, reason: 'NO_TAX_ADDRESS', explanation: "Les impôts ne connaissent pas d'adresse fiscale à votre nom : le tarif résident ne peut pas être calculé." };
  }
  if (data.taxAddress.cityCode !== tariff.cityCode) {
    return { eligible: false, reason: 'NOT_RESIDENT', explanation: `Votre adresse fiscale est à ${data.taxAddress.city}, pas à ${tariff.cityName} : le tarif résident est réservé aux habitants de ${tariff.cityName}.` };
  }
  const vehicles = (data.vehicles ?? []).filter((v) => v.holderRole === 'HOLDER' || v.holderRole === 'CO_HOLDER');
  if (!vehicles.length) {
    return { eligible: false, reason: 'NO_VEHICLE', explanation: "Aucun véhicule n'est immatriculé à votre nom (titulaire ou cotitulaire) : il n'y a pas de vignette résident à établir." };
  }
  const qf = data.familyQuotient?.value ?? null;
  const bracket = qf === null ? undefined : tariff.brackets.find((b) => qf <= b.upTo);
  const base = bracket?.monthlyCents ?? tariff.defaultMonthlyCents;
  const bracketReason = qf === null
    ? "vous n'êtes pas allocataire de la CAF ou de la MSA : tarif plein"
    : bracket ? `quotient familial ${qf} € (≤ ${bracket.upTo} €)` : `quotient familial ${qf} € (au-delà de ${tariff.brackets.at(-1)?.upTo} €) : tarif plein`;
  return {
    eligible: true,
    familyQuotient: qf,
    bracketReason,
    vehicles: vehicles.map((v) => {
      const reduced = v.critAir !== null && tariff.reducedCritAir.includes(v.critAir);
      return {
        registrationNumber: v.registrationNumber,
        description: [v.make, v.model].filter(Boolean).join(' '),
        critAir: v.critAir,
        baseMonthlyCents: base,
        monthlyCents: reduced ? Math.round(base * (1 - tariff.reductionRate)) : base,
        reduced,
      };
    }),
  };
}

/** "17,50 €" */
export function formatEuros(cents: number): string {
  return new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}
