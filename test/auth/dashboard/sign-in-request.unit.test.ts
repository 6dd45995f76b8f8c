import { requestedLevel, returnPath } from '../../../auth/dashboard/sign-in.ts';
import { defaultProposalValues, formatDay, parseProposal, proposalValues } from '../../../auth/dashboard/mandates.ts';
import { isPasserelleError } from '../../../lib/errors/define.ts';

/**
 * What a dashboard sign-in link may ask (docs/dashboard.md): a level, and a page of the
 * dashboard to come back to — never another site — and how the mandate form reads dates.
 */
describe('returnPath', () => {
  test.each([
    ['/mon-compte', '/mon-compte'],
    ['/mon-compte/mandats', '/mon-compte/mandats'],
    ['/mon-compte/mandats/invitation?code=ABCD-EFGH-JKLM', '/mon-compte/mandats/invitation?code=ABCD-EFGH-JKLM'],
    ['/mon-compte?service=parking-nimes&page=x', '/mon-compte?service=parking-nimes&page=x'],
  ])('%s is kept', (wanted, kept) => {
    expect(returnPath(wanted)).toBe(kept);
  });

  test.each([
    undefined,
    '',
    ['/mon-compte/mandats'],
    'https://evil.example/mon-compte',
    '//evil.example/mon-compte',
    '/\\evil.example',
    '/mon-compte/../logout',
    '/mon-compte/%2e%2e/logout',
    '/mon-compte%2f..%2flogout',
    '/mon-compte\\..\\logout',
    '/mon-compteX',
    '/mon-compte/callback?code=x&state=y',
    '/mon-compte/mandats#top',
    '/mon-compte/mandats\n',
    '/mon-compte/é',
    `/mon-compte/${'a'.repeat(600)}`,
    '/logout',
  ])('%p falls back to the history', (wanted) => {
    expect(returnPath(wanted)).toBe('/mon-compte');
  });
});

test('requestedLevel: eidas1 unless asked, the levels as they are, anything else undefined', () => {
  expect(requestedLevel(undefined)).toBe('eidas1');
  expect(requestedLevel('')).toBe('eidas1');
  expect(requestedLevel('eidas2')).toBe('eidas2');
  expect(requestedLevel('eidas3')).toBe('eidas3');
  for (const bad of ['eidas9', 'EIDAS2', ['eidas2'], 'eidas1 eidas2']) expect(requestedLevel(bad)).toBeUndefined();
});

describe('the mandate form', () => {
  const mandator = {
    accountId: 'acc',
    pivot: { given_name: 'Yvonne', family_name: 'Martin', birthdate: '1948-02-14', birthcountry: '99100' },
  };
  const form = (fields: Record<string, string>, domains: string[]) => {
    const body = new URLSearchParams(fields);
    for (const domain of domains) body.append('domaine', domain);
    return proposalValues(body);
  };
  const person = { family_name: 'Martin', given_name: 'Jean', birthdate: '1972-11-03' };

  test('defaults: today to 12 months later less a day, both included; the end is the midnight after the last day', () => {
    const values = defaultProposalValues(new Date('2026-11-01T10:00:00Z'));
    expect([values.start, values.end]).toEqual(['2026-11-01', '2027-10-31']);
    const proposal = parseProposal(
      form({ ...person, debut: values.start, fin: values.end }, ['housing', 'transport']),
      mandator,
    );
    expect(proposal.startsAt.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(proposal.endsAt.toISOString()).toBe('2027-11-01T00:00:00.000Z');
    expect(proposal.domains).toEqual(['transport', 'housing']);
    expect(proposal.mandator).toBe(mandator);
  });

  test('dates that do not exist or are not days are MANDATE_DATES_INVALID', () => {
    for (const debut of ['2026-02-30', '2026-13-01', '01/11/2026', '2026-11-1', ''])
      try {
        parseProposal(form({ ...person, debut, fin: '2027-01-01' }, ['transport']), mandator);
        throw new Error('accepted');
      } catch (error) {
        expect(isPasserelleError(error) && error.code).toBe('MANDATE_DATES_INVALID');
      }
  });

  test('French dates say "1er" on the first of the month', () => {
    expect(formatDay(new Date('2026-11-01T00:00:00Z'), 'fr')).toBe('1er novembre 2026');
    expect(formatDay(new Date('2026-11-21T00:00:00Z'), 'fr')).toBe('21 novembre 2026');
    expect(formatDay(new Date('2026-11-01T00:00:00Z'), 'en')).toBe('1 November 2026');
  });
});
