import { analyzeOperation, checkGrant, operationHash } from '../../../lib/federation/operation.ts';
import { loadPlatformConfig } from '../../../bin/config.ts';
import type { ServiceProvider } from '../../../lib/config/sections/service-providers.ts';
import { isPasserelleError } from '../../../lib/errors/define.ts';
import { chooseEntitledScopes } from '../../../auth/authorization-details/entitled-scopes.ts';
import {
  describeRefusal,
  resolveOperationRequest,
  type OperationRequestContext,
} from '../../../auth/authorization-details/graphql-operation.ts';
import { loadBrokerContract } from '../../../auth/authorization-details/operation-schema.ts';
import { checkRegisteredOperations } from '../../../auth/authorization-details/registered-operations.ts';
import { detailsError } from '../../../auth/authorization-details/rich-authorization-requests.ts';

/**
 * The broker's checks of a requested `graphql_operation` (auth/authorization-details/),
 * without servers: the same analysis as the gateway's, the SP's entitlement, the level.
 */
const config = loadPlatformConfig({ env: {} });
const contract = loadBrokerContract(config);
const parking = config.serviceProviders.find((sp) => sp.clientId === 'parking-nimes')!;
const caf = config.serviceProviders.find((sp) => sp.clientId === 'simulateur-caf')!;
const AUDIENCE = 'http://localhost:4001';

function context(sp: ServiceProvider, acr: 'eidas1' | 'eidas2' | 'eidas3' = 'eidas1'): OperationRequestContext {
  return { operations: contract.operations, serviceProvider: sp, acr, gatewayAudience: AUDIENCE };
}

function refusal(entry: unknown, ctx: OperationRequestContext): { code: string; details: Record<string, unknown> } {
  try {
    resolveOperationRequest(entry, ctx);
  } catch (error) {
    if (isPasserelleError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

const PURPOSE = 'Calculer le tarif de votre abonnement';

describe('a registered operation', () => {
  test('is resolved to what a consent names: operation name, canonical hash, entitled scopes, purpose', () => {
    const consented = resolveOperationRequest(
      { type: 'graphql_operation', operation_name: 'Parking', purpose: PURPOSE },
      context(parking),
    );
    expect(consented).toEqual({
      type: 'graphql_operation',
      operation_name: 'Parking',
      operation_hash: operationHash(parking.operations.Parking!),
      scopes: [
        'ants_caracteristiques',
        'ants_critair',
        'ants_vehicules',
        'cnaf_quotient_familial',
        'dgfip_adresse_fiscale',
      ],
      purpose: PURPOSE,
    });
    // What the gateway will check with the same analysis: every field allowed at eidas1.
    const analysis = analyzeOperation(parking.operations.Parking!, 'Parking', contract.operations);
    if (!analysis.ok) throw new Error('registered operation does not analyse');
    expect(checkGrant(analysis.analysis, new Set(consented.scopes), 'eidas1', contract.scopes)).toEqual({
      notConsented: [],
      acrTooLow: [],
    });
  });

  test('an unknown name is AUTHORIZATION_DETAILS_OPERATION_UNKNOWN, even if another SP registered it', () => {
    expect(
      refusal({ type: 'graphql_operation', operation_name: 'Benefits', purpose: PURPOSE }, context(parking)).code,
    ).toBe('AUTHORIZATION_DETAILS_OPERATION_UNKNOWN');
  });

  test('one needing eidas2 is refused at eidas1 and accepted at eidas2', () => {
    const entry = { type: 'graphql_operation', operation_name: 'Benefits', purpose: 'Simuler vos aides' };
    const refused = refusal(entry, context(caf, 'eidas1'));
    expect(refused.code).toBe('AUTHORIZATION_DETAILS_ACR_TOO_LOW');
    expect(refused.details).toEqual({ acr: 'eidas1', scopes: [{ scope: 'cnaf_prestations', minAcr: 'eidas2' }] });
    expect(resolveOperationRequest(entry, context(caf, 'eidas2')).scopes).toEqual([
      'cnaf_enfants',
      'cnaf_prestations',
      'cnaf_quotient_familial',
    ]);
  });
});

describe('an inline document', () => {
  const entry = (document: string, extra: Record<string, unknown> = {}) => ({
    type: 'graphql_operation',
    document,
    purpose: PURPOSE,
    ...extra,
  });

  test('is analysed like the gateway does: the hash ignores layout, the name selects the operation', () => {
    const compact = resolveOperationRequest(entry('query Q { me { taxAddress { city } } }'), context(parking));
    const spread = resolveOperationRequest(
      entry('# comment\nquery Q {\n  me { taxAddress { city, } }\n}\n'),
      context(parking),
    );
    expect(spread.operation_hash).toBe(compact.operation_hash);
    expect(compact).toMatchObject({ operation_name: 'Q', scopes: ['dgfip_adresse_fiscale'] });
    const two = 'query A { me { taxAddress { city } } } query B { me { vehicles { critAir } } }';
    expect(resolveOperationRequest(entry(two, { operation_name: 'B' }), context(parking))).toMatchObject({
      operation_name: 'B',
      scopes: ['ants_critair', 'ants_vehicules'],
    });
    expect(refusal(entry(two), context(parking)).code).toBe('OPERATION_NAME_REQUIRED');
    expect(
      resolveOperationRequest(entry('{ me { familyQuotient { value } } }'), context(parking)).operation_name,
    ).toBeNull();
  });

  test.each([
    ['a syntax error', 'query { me { taxAddress { city }', 'OPERATION_SYNTAX_ERROR'],
    ['an unknown field', 'query { me { shoeSize } }', 'OPERATION_INVALID'],
    [
      'a fragment cycle',
      'query { me { ...A } } fragment A on Citizen { ...B } fragment B on Citizen { ...A }',
      'OPERATION_INVALID',
    ],
    [
      'an unused fragment',
      'query { me { taxAddress { city } } } fragment Unused on Citizen { id }',
      'OPERATION_INVALID',
    ],
    ['introspection', 'query { __schema { types { name } } }', 'OPERATION_INTROSPECTION_DISABLED'],
    ['a mutation', 'mutation { me { id } }', 'OPERATION_NOT_A_QUERY'],
    [
      'too many aliases',
      `query { ${Array.from({ length: 9 }, (_, i) => `a${i}: me { id }`).join(' ')} }`,
      'OPERATION_TOO_MANY_ALIASES',
    ],
    ['too deep', 'query { me { a { b { c { d { e { f } } } } } } }', 'OPERATION_TOO_DEEP'],
    ['too large', `query { me { taxAddress { city } } } ${'#'.repeat(9000)}`, 'OPERATION_TOO_LARGE'],
  ])("%s is refused with the gateway's code", (_what, document, code) => {
    expect(refusal(entry(document), context(parking)).code).toBe(code);
  });

  test('reading nothing that needs consent is AUTHORIZATION_DETAILS_NO_DATA', () => {
    expect(refusal(entry('query { me { id } }'), context(parking)).code).toBe('AUTHORIZATION_DETAILS_NO_DATA');
  });

  test('a field the SP is not entitled to read is AUTHORIZATION_DETAILS_SCOPE_NOT_ALLOWED, naming the field and its scopes', () => {
    const refused = refusal(entry('query { me { taxAddress { city } benefits { kind } } }'), context(parking));
    expect(refused.code).toBe('AUTHORIZATION_DETAILS_SCOPE_NOT_ALLOWED');
    expect(refused.details.fields).toEqual([
      { path: 'me.benefits', coordinate: 'Citizen.benefits', scopes: ['cnaf_prestations'] },
      { path: 'me.benefits.kind', coordinate: 'Benefit.kind', scopes: ['cnaf_prestations'] },
    ]);
  });
});

describe('the entry itself', () => {
  test.each([
    [{ type: 'graphql_operation', operation_name: 'Parking' }, /purpose/],
    [{ type: 'graphql_operation', operation_name: 'Parking', purpose: 'x' }, /purpose/],
    [{ type: 'graphql_operation', operation_name: 'Parking', purpose: 'a\u0007b\u0000c' }, /control characters/],
    [{ type: 'graphql_operation', operation_name: 'Parking', purpose: PURPOSE, scopes: ['dgfip_rfr'] }, /scopes/],
    [{ type: 'graphql_operation', purpose: PURPOSE }, /document or the operation_name/],
    [{ type: 'graphql_operation', operation_name: 'not a name', purpose: PURPOSE }, /operation_name/],
    [
      { type: 'graphql_operation', operation_name: 'Parking', purpose: PURPOSE, locations: ['https://evil.example'] },
      /locations/,
    ],
    [{ type: 'graphql_operation', document: 42, purpose: PURPOSE }, /document/],
  ])('%j is AUTHORIZATION_DETAILS_INVALID', (entry, problem) => {
    const refused = refusal(entry, context(parking));
    expect(refused.code).toBe('AUTHORIZATION_DETAILS_INVALID');
    expect((refused.details.problems as string[]).join(' ')).toMatch(problem);
  });

  test('locations may name the gateway', () => {
    expect(
      resolveOperationRequest(
        { type: 'graphql_operation', operation_name: 'Parking', purpose: PURPOSE, locations: [AUDIENCE] },
        context(parking),
      ).operation_name,
    ).toBe('Parking');
  });
});

describe('the scopes granted', () => {
  const analysis = (document: string) => {
    const result = analyzeOperation(document, null, contract.operations);
    if (!result.ok) throw new Error(result.errors[0]!.message);
    return result.analysis;
  };

  test("are the analysis's neededScopes when the SP is entitled to every scope", () => {
    const all = new Set(contract.scopes.keys());
    for (const document of [
      parking.operations.Parking!,
      caf.operations.Benefits!,
      'query { me { taxHousehold { taxYear shares } } }',
      'query { me { taxHousehold { taxYear } } }',
    ]) {
      const a = analysis(document);
      expect(chooseEntitledScopes(a.fields, all).scopes).toEqual(a.neededScopes);
    }
  });

  test('take an entitled alternative for a field readable with several scopes', () => {
    const a = analysis('query { me { taxHousehold { taxYear shares } } }');
    expect(chooseEntitledScopes(a.fields, new Set(['dgfip_nbpart']))).toEqual({
      scopes: ['dgfip_nbpart'],
      notEntitled: [],
    });
    expect(chooseEntitledScopes(a.fields, new Set(['dgfip_rfr'])).notEntitled.map((f) => f.coordinate)).toEqual([
      'TaxHousehold.shares',
    ]);
  });
});

test('error_description keeps to the characters RFC 6749 allows and names the problem', () => {
  const refused = (() => {
    try {
      resolveOperationRequest(
        { type: 'graphql_operation', document: 'query { me { shoeSize } }', purpose: PURPOSE },
        context(parking),
      );
    } catch (error) {
      return error as Parameters<typeof describeRefusal>[0];
    }
    throw new Error('expected a refusal');
  })();
  const error = detailsError(refused.code, describeRefusal(refused));
  expect(error.error).toBe('invalid_authorization_details');
  expect(error.error_description).toMatch(/^OPERATION_INVALID: .*shoeSize/);
  expect(error.error_description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/);
});

describe('registered operations are checked at start-up', () => {
  test('the sandbox ones are valid', () => {
    expect(() => checkRegisteredOperations(config, contract)).not.toThrow();
  });

  test.each([
    [
      { Extra: 'query Extra { me { benefits { kind } } }' },
      /operations\.Extra: AUTHORIZATION_DETAILS_SCOPE_NOT_ALLOWED: .*me\.benefits/,
    ],
    [{ Renamed: parking.operations.Parking! }, /operations\.Renamed: OPERATION_NOT_FOUND/],
    [{ Broken: 'query Broken { me {' }, /operations\.Broken: OPERATION_SYNTAX_ERROR/],
  ])('%j stops the broker with a message naming it', (operations, message) => {
    const bad = loadPlatformConfig({ env: {}, overrides: [['serviceProviders.parking-nimes.operations', operations]] });
    expect(() => checkRegisteredOperations(bad, contract)).toThrow(message);
  });
});
