import { formatEuros, NIMES_TARIFF, quote, type ParkingData, type Tariff } from '../sandbox/parking/pricing.ts';

const nimes = { cityCode: '30189', city: 'Nîmes' };
const car = (critAir: number | null, holderRole: 'HOLDER' | 'CO_HOLDER' = 'HOLDER', registrationNumber = 'AB-123-CD') => ({ registrationNumber, holderRole, critAir });
const prices = (data: ParkingData, tariff?: Tariff) => {
  const q = quote(data, tariff);
  return q.eligible ? q.vehicles.map((v) => v.monthlyCents) : q.reason;
};

describe('resident parking pricing (DESIGN.md rules)', () => {
  test('the sandbox citizens get the expected prices', () => {
    expect(prices({ taxAddress: nimes, vehicles: [car(0)], familyQuotient: { value: 540, regime: 'CAF' } })).toEqual([500]); // Marie
    expect(prices({ taxAddress: nimes, vehicles: [car(2)], familyQuotient: { value: 1450, regime: 'CAF' } })).toEqual([3500]); // Jean
    expect(prices({ taxAddress: nimes, vehicles: [car(1)], familyQuotient: null })).toEqual([1750]); // Sofía
    expect(prices({ taxAddress: { cityCode: '34172', city: 'Montpellier' }, vehicles: [car(2)], familyQuotient: null })).toBe('NOT_RESIDENT'); // Lucas
    expect(prices({ taxAddress: nimes, vehicles: [], familyQuotient: null })).toBe('NO_VEHICLE'); // Camille
    expect(prices({ taxAddress: nimes, vehicles: [car(3), car(1, 'CO_HOLDER', 'EF-456-GH')], familyQuotient: { value: 900, regime: 'CAF' } })).toEqual([2000, 1000]); // Anne-Sophie
  });

  test('bracket edges are inclusive', () => {
    const at = (value: number) => prices({ taxAddress: nimes, vehicles: [car(2)], familyQuotient: { value, regime: 'MSA' } });
    expect([at(700), at(701), at(1200), at(1201)]).toEqual([[1000], [2000], [2000], [3500]]);
  });

  test('unknown registry data is explained, not guessed', () => {
    expect(prices({ taxAddress: null, vehicles: [car(0)], familyQuotient: null })).toBe('NO_TAX_ADDRESS');
    expect(prices({ taxAddress: nimes, vehicles: null, familyQuotient: null })).toBe('NO_VEHICLE');
    expect(prices({ taxAddress: nimes, vehicles: [car(null)], familyQuotient: { value: 100, regime: 'CAF' } })).toEqual([1000]); // not classified: no reduction
    const q = quote({ taxAddress: { cityCode: '34172', city: 'Montpellier' }, vehicles: [], familyQuotient: null });
    expect(q.eligible === false && q.explanation).toMatch(/Montpellier.*Nîmes/);
  });

  test('another city uses its own tariff', () => {
    const uzes: Tariff = { ...NIMES_TARIFF, cityCode: '30334', cityName: 'Uzès', brackets: [{ upTo: 1000, monthlyCents: 800 }], defaultMonthlyCents: 1500 };
    expect(prices({ taxAddress: { cityCode: '30334', city: 'Uzès' }, vehicles: [car(1)], familyQuotient: { value: 900, regime: 'CAF' } }, uzes)).toEqual([400]);
    expect(prices({ taxAddress: nimes, vehicles: [car(1)], familyQuotient: null }, uzes)).toBe('NOT_RESIDENT');
  });

  test('prices are shown in French', () => {
    expect(formatEuros(1750).replace(/\s/g, ' ')).toBe('17,50 €');
  });
});
