import { loadPlatformConfig } from '../../../bin/config.ts';
import { formatEuros, quote, type ParkingData, type Tariff } from '../../../sandbox/parking/pricing.ts';

/** Nîmes' tariff as the sandbox configuration holds it (the figures are data, not code). */
const NIMES: Tariff = loadPlatformConfig({ env: {} }).parking!.tariff;
const nimes = { cityCode: '30189', city: 'Nîmes' };
const car = (
  critAir: number | null,
  holderRole: 'HOLDER' | 'CO_HOLDER' = 'HOLDER',
  registrationNumber = 'AB-123-CD',
) => ({ registrationNumber, holderRole, critAir });
const prices = (data: ParkingData, tariff: Tariff = NIMES) => {
  const q = quote(data, tariff);
  return q.eligible ? q.vehicles.map((v) => v.monthlyCents) : q.reason;
};

describe('resident parking pricing (docs/parking.md "Pricing rules")', () => {
  test('the sandbox citizens get the expected prices', () => {
    expect(prices({ taxAddress: nimes, vehicles: [car(0)], familyQuotient: { value: 540, regime: 'CAF' } })).toEqual([
      500,
    ]); // Marie
    expect(prices({ taxAddress: nimes, vehicles: [car(2)], familyQuotient: { value: 1450, regime: 'CAF' } })).toEqual([
      3500,
    ]); // Jean
    expect(prices({ taxAddress: nimes, vehicles: [car(1)], familyQuotient: null })).toEqual([1750]); // Sofía
    expect(
      prices({ taxAddress: { cityCode: '34172', city: 'Montpellier' }, vehicles: [car(2)], familyQuotient: null }),
    ).toBe('NOT_RESIDENT'); // Lucas
    expect(prices({ taxAddress: nimes, vehicles: [], familyQuotient: null })).toBe('NO_VEHICLE'); // Camille
    expect(
      prices({
        taxAddress: nimes,
        vehicles: [car(3), car(1, 'CO_HOLDER', 'EF-456-GH')],
        familyQuotient: { value: 900, regime: 'CAF' },
      }),
    ).toEqual([2000, 1000]); // Anne-Sophie
  });

  test('bracket edges are inclusive, and the reason names the bracket', () => {
    const at = (value: number) =>
      prices({ taxAddress: nimes, vehicles: [car(2)], familyQuotient: { value, regime: 'MSA' } });
    expect([at(0), at(700), at(701), at(1200), at(1201)]).toEqual([[1000], [1000], [2000], [2000], [3500]]);
    const base = (value: number | null) => {
      const q = quote(
        { taxAddress: nimes, vehicles: [car(2)], familyQuotient: value === null ? null : { value, regime: 'CAF' } },
        NIMES,
      );
      return q.eligible ? q.base : undefined;
    };
    expect(base(701)).toEqual({ kind: 'BRACKET', familyQuotient: 701, upTo: 1200 });
    expect(base(1201)).toEqual({ kind: 'ABOVE_BRACKETS', familyQuotient: 1201, upTo: 1200 });
    expect(base(null)).toEqual({ kind: 'NOT_BENEFICIARY' });
  });

  test('unknown registry data is explained, not guessed', () => {
    expect(prices({ taxAddress: null, vehicles: [car(0)], familyQuotient: null })).toBe('NO_TAX_ADDRESS');
    expect(prices({ taxAddress: nimes, vehicles: null, familyQuotient: null })).toBe('NO_VEHICLE');
    expect(prices({ taxAddress: nimes, vehicles: [car(null)], familyQuotient: { value: 100, regime: 'CAF' } })).toEqual(
      [1000],
    ); // not classified: no reduction
    expect(
      quote({ taxAddress: { cityCode: '34172', city: 'Montpellier' }, vehicles: [], familyQuotient: null }, NIMES),
    ).toEqual({ eligible: false, reason: 'NOT_RESIDENT', city: 'Montpellier' });
  });

  test('a vehicle of the citizen keeps its description and reduction flag', () => {
    const q = quote(
      {
        taxAddress: nimes,
        vehicles: [{ ...car(0), make: 'Renault', model: 'Zoé' }],
        familyQuotient: { value: 540, regime: 'CAF' },
      },
      NIMES,
    );
    expect(q).toEqual({
      eligible: true,
      base: { kind: 'BRACKET', familyQuotient: 540, upTo: 700 },
      vehicles: [
        {
          registrationNumber: 'AB-123-CD',
          description: 'Renault Zoé',
          critAir: 0,
          baseMonthlyCents: 1000,
          monthlyCents: 500,
          reduced: true,
        },
      ],
    });
  });

  test('another city uses its own tariff', () => {
    const uzes: Tariff = {
      ...NIMES,
      cityCode: '30334',
      cityName: 'Uzès',
      brackets: [{ upTo: 1000, monthlyCents: 800 }],
      defaultMonthlyCents: 1500,
    };
    expect(
      prices(
        {
          taxAddress: { cityCode: '30334', city: 'Uzès' },
          vehicles: [car(1)],
          familyQuotient: { value: 900, regime: 'CAF' },
        },
        uzes,
      ),
    ).toEqual([400]);
    expect(prices({ taxAddress: nimes, vehicles: [car(1)], familyQuotient: null }, uzes)).toBe('NOT_RESIDENT');
  });

  test('prices are shown in French (English on English pages)', () => {
    expect(formatEuros(1750).replace(/\s/g, ' ')).toBe('17,50 €');
    expect(formatEuros(500, 'en')).toBe('€5.00');
  });
});
