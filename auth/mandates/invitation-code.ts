import { randomInt } from 'node:crypto';

/**
 * The one-time code of a mandate invitation (docs/mandates.md): 12 characters of an
 * alphabet without look-alikes (no I, O, 0, 1), 60 random bits, shown in groups of four
 * ("K7QM-2XWD-9HTR") so it can be read out over the phone. Only its hash is stored
 * (auth/stored-hash.ts), of its canonical form: what a person types is upper-cased and
 * stripped of spaces and hyphens first.
 */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 12;
export const INVITATION_DAYS = 7;

export function newInvitationCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** The canonical form of a typed code, or undefined when it cannot be one. */
export function canonicalInvitationCode(typed: string | null | undefined): string | undefined {
  if (typeof typed !== 'string' || typed.length > 64) return undefined;
  const code = typed.toUpperCase().replace(/[\s-]+/g, '');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

/** "K7QM2XWD9HTR" → "K7QM-2XWD-9HTR". */
export function displayInvitationCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}
