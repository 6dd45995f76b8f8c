import {
  CompanyIdentifierError,
  luhnCheckDigit,
  parseSiren,
  parseSiret,
  sirenProblem,
  siretProblem,
} from '../../../lib/contracts/company-identifiers.ts';

describe('SIREN', () => {
  test.each(['732829320', '552100554', '356000000'])('%s is valid', (siren) => {
    expect(sirenProblem(siren)).toBeNull();
  });
  test.each([
    ['732829321', 'checksum'],
    ['732892320', 'checksum'], // two digits swapped
    ['73282932', 'format'],
    ['7328293200', 'format'],
    ['73282932A', 'format'],
    ['', 'format'],
  ])('%s is refused (%s)', (siren, problem) => {
    expect(sirenProblem(siren)).toBe(problem);
  });
  test('spaces are allowed when parsing; the error names the value and the reason', () => {
    expect(parseSiren('732 829 320')).toBe('732829320');
    expect(() => parseSiren('732 829 321')).toThrow(CompanyIdentifierError);
    expect(() => parseSiren('732 829 321')).toThrow('SIREN "732 829 321" fails its check digit');
    expect(() => parseSiren('12')).toThrow('SIREN "12" must be 9 digits');
  });
});

describe('SIRET', () => {
  test.each(['73282932000074', '55210055400013'])('%s is valid (Luhn)', (siret) => {
    expect(siretProblem(siret)).toBeNull();
  });
  test('La Poste: its establishments need a digit sum multiple of 5, its head office the Luhn check', () => {
    expect(siretProblem('35600000049837')).toBeNull(); // digit sum 45, fails Luhn
    expect(siretProblem('35600000049838')).toBe('checksum');
    expect(siretProblem('35600000000048')).toBeNull();
    // Another company's SIRET with a digit sum multiple of 5 but a bad Luhn digit is refused.
    expect(siretProblem('73282932000075')).toBe('checksum');
  });
  test.each([
    ['7328293200007', 'format'],
    ['73282932000074 ', 'format'],
    ['73282932000073', 'checksum'],
  ])('%j is refused (%s)', (siret, problem) => {
    expect(siretProblem(siret)).toBe(problem);
  });
  test('parsing', () => {
    expect(parseSiret('732 829 320 00074')).toBe('73282932000074');
    expect(() => parseSiret('732 829 320 00073')).toThrow('SIRET "732 829 320 00073" fails its check digit');
  });
});

test('the check digit completes a SIREN or a SIRET', () => {
  for (const base of ['73282932', '10000000', '89999999']) expect(sirenProblem(base + luhnCheckDigit(base))).toBeNull();
  for (const base of ['7328293200007', '1000000000001']) expect(siretProblem(base + luhnCheckDigit(base))).toBeNull();
  expect(sirenProblem('732829329')).toBe('checksum');
});
