import { enforceSubject } from '../../gateway/subject.ts';
import { exchangeAuditEvent, type ExchangeEntry } from '../../lib/contracts/exchange-event.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import type { ScopeInfo } from '../../lib/federation/compose.ts';
import type { ConsentedOperation } from '../../lib/contracts/pivot-token.ts';

/** Whom a token may read about (gateway/subject.ts), and the exchange event's `company` (docs/companies.md). */
const scope = (name: string, subject: 'citizen' | 'company'): [string, ScopeInfo] => [
  name,
  {
    name,
    provider: 'p',
    subject,
    domain: 'business',
    privateServiceProviders: false,
    label: { fr: name, en: name },
    description: { fr: name, en: name },
  },
];
const SCOPES = new Map([scope('mine', 'citizen'), scope('firm_a', 'company'), scope('firm_b', 'company')]);
const operation = (scopes: string[]): ConsentedOperation =>
  ({ type: 'graphql_operation', operation_name: 'Op', operation_hash: 'h', scopes }) as ConsentedOperation;
const COMPANY = { siren: '900000019', siret: '90000001900019', legalName: 'X', role: 'legal_representative' as const };

function codeOf(run: () => void): [string, unknown] | undefined {
  try {
    run();
  } catch (error) {
    if (isPasserelleError(error)) return [error.code, error.details?.scopes];
    throw error;
  }
  return undefined;
}

test('a citizen token: citizen scopes only', () => {
  expect(codeOf(() => enforceSubject(undefined, operation(['mine']), SCOPES))).toBeUndefined();
  expect(codeOf(() => enforceSubject(undefined, operation(['mine', 'firm_b', 'firm_a']), SCOPES))).toEqual([
    'COMPANY_TOKEN_REQUIRED',
    ['firm_a', 'firm_b'],
  ]);
});

test("a company's token: company scopes only; a scope no catalog knows counts as a citizen one", () => {
  expect(codeOf(() => enforceSubject(COMPANY, operation(['firm_a', 'firm_b']), SCOPES))).toBeUndefined();
  expect(codeOf(() => enforceSubject(COMPANY, operation(['firm_a', 'mine']), SCOPES))).toEqual([
    'CITIZEN_TOKEN_REQUIRED',
    ['mine'],
  ]);
  expect(codeOf(() => enforceSubject(COMPANY, operation(['gone']), SCOPES))).toEqual([
    'CITIZEN_TOKEN_REQUIRED',
    ['gone'],
  ]);
});

test('the exchange event carries the company only when the request was made for one', () => {
  const entry: ExchangeEntry = {
    occurredAt: new Date(),
    requestId: 'r',
    providers: [],
    fields: [],
    scopes: [],
    outcome: 'success',
    httpStatus: 200,
    errorCodes: [],
    durationMs: 1,
  };
  expect(exchangeAuditEvent(entry).data).not.toHaveProperty('company');
  expect(exchangeAuditEvent({ ...entry, company: { siren: '900000019', role: 'mandated' } }).data).toMatchObject({
    company: { siren: '900000019', role: 'mandated' },
  });
});
