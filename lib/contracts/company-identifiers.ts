/**
 * SIREN and SIRET, the identifiers of the French company register (INSEE Sirene):
 * a SIREN names a company (9 digits), a SIRET one of its establishments (the SIREN and a
 * 5-digit NIC). Both end with a Luhn check digit, except La Poste's establishments
 * (SIREN 356000000), which are too many for the check digit: the INSEE rule is then that
 * the sum of the SIRET's digits is a multiple of 5.
 *
 * Whoever receives one from outside (a registry load, a request, a sign-in choice) checks
 * it here, so a typo is refused with its reason instead of matching nothing.
 */
export const LA_POSTE_SIREN = '356000000';
const LA_POSTE_HEAD_OFFICE = '35600000000048';

export type CompanyIdentifierProblem = 'format' | 'checksum';

export class CompanyIdentifierError extends Error {
  override name = 'CompanyIdentifierError';
  constructor(
    readonly kind: 'SIREN' | 'SIRET',
    readonly value: string,
    readonly problem: CompanyIdentifierProblem,
  ) {
    super(
      problem === 'format'
        ? `${kind} "${value}" must be ${kind === 'SIREN' ? 9 : 14} digits`
        : `${kind} "${value}" fails its check digit (a digit mistyped or swapped?)`,
    );
  }
}

/** The Luhn checksum of a string of digits is valid (every second digit from the right doubled). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** What is wrong with a SIREN, or null when it is valid. */
export function sirenProblem(value: string): CompanyIdentifierProblem | null {
  if (!/^[0-9]{9}$/.test(value)) return 'format';
  return luhnValid(value) ? null : 'checksum';
}

/** What is wrong with a SIRET, or null when it is valid. */
export function siretProblem(value: string): CompanyIdentifierProblem | null {
  if (!/^[0-9]{14}$/.test(value)) return 'format';
  if (value.startsWith(LA_POSTE_SIREN) && value !== LA_POSTE_HEAD_OFFICE) {
    // La Poste's establishments: digit sum multiple of 5 (its head office keeps the Luhn rule).
    const sum = [...value].reduce((total, digit) => total + Number(digit), 0);
    return sum % 5 === 0 ? null : 'checksum';
  }
  return luhnValid(value) ? null : 'checksum';
}

export const isSiren = (value: string): boolean => sirenProblem(value) === null;
export const isSiret = (value: string): boolean => siretProblem(value) === null;

/** The SIREN as given (spaces allowed: `732 829 320`), or a CompanyIdentifierError. */
export function parseSiren(input: string): string {
  const value = input.replace(/\s+/g, '');
  const problem = sirenProblem(value);
  if (problem) throw new CompanyIdentifierError('SIREN', input, problem);
  return value;
}

/** The SIRET as given (spaces allowed: `732 829 320 00074`), or a CompanyIdentifierError. */
export function parseSiret(input: string): string {
  const value = input.replace(/\s+/g, '');
  const problem = siretProblem(value);
  if (problem) throw new CompanyIdentifierError('SIRET', input, problem);
  return value;
}

/** The check digit that makes `digits` + it pass the Luhn check (to build identifiers). */
export function luhnCheckDigit(digits: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${digits}${d}`)) return String(d);
  throw new Error('unreachable: one of ten digits always completes a Luhn sum');
}
