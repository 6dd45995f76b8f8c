import {
  citizen,
  entitiesQuery,
  post,
  sandbox,
  startTestSubgraphs,
  tokenClaims,
  type TestSubgraphs,
} from './support/subgraphs.ts';

/**
 * What a subgraph enforces itself, whatever the gateway let through: field scopes,
 * the token's citizen as the only entity, and the DataLoader contract (one SQL query
 * per entity type per request, counted in the request log).
 */
let env: TestSubgraphs;
beforeAll(async () => {
  env = await startTestSubgraphs();
});
afterAll(async () => {
  await env.close();
});

async function ask(
  provider: string,
  login: string,
  scope: string,
  selection: string,
  representations?: (sub: string) => unknown[],
  extra: Record<string, unknown> = {},
) {
  const claims = tokenClaims(env.issuer, provider, sandbox(login), scope, extra);
  const response = await post(env.urls[provider]!, await env.issuer.sign(claims), entitiesQuery(selection), {
    representations: representations ? representations(claims.sub!) : [citizen(claims.sub!)],
  });
  expect(response.status).toBe(200);
  return {
    ...response,
    entities: response.body.data?._entities as Array<Record<string, any> | null>,
    log: env.logs.request(response.requestId)!,
  };
}

describe('field scopes', () => {
  test('an ungranted nullable field is null with FORBIDDEN at its path; granted siblings resolve', async () => {
    const { entities, body } = await ask(
      'ants',
      'marie.dupont',
      'ants_vehicules',
      'vehicles { registrationNumber critAir }',
    );
    expect(entities[0]!.vehicles).toEqual([{ registrationNumber: 'GE-512-KL', critAir: null }]);
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['_entities', 0, 'vehicles', 0, 'critAir'],
        extensions: { code: 'FORBIDDEN', scopes: ['ants_critair'] },
      }),
    ]);
  });

  test('an ungranted non-null field gives no value: the null reaches the nearest nullable parent', async () => {
    const { entities, body } = await ask(
      'ants',
      'anne-sophie.lefevre-roy',
      'ants_vehicules',
      'vehicles { registrationNumber make }',
    );
    expect(entities[0]!.vehicles).toBeNull();
    // GraphQL stops the list at its first null child: one error, at the first vehicle's field.
    expect(body.errors!.map((e) => e.path)).toEqual([['_entities', 0, 'vehicles', 0, 'make']]);
    expect(body.errors!.every((e) => e.extensions!.code === 'FORBIDDEN')).toBe(true);
    expect(JSON.stringify(body)).not.toContain('Citroën');
  });

  test('a scope granted for a type field (TaxHousehold) does not open its sibling fields', async () => {
    const { entities, body } = await ask(
      'dgfip',
      'jean.martin',
      'dgfip_rfr',
      'taxHousehold { taxYear referenceTaxIncome } taxAddress { city }',
    );
    expect(entities[0]).toEqual({ taxHousehold: { taxYear: 2024, referenceTaxIncome: 50_410 }, taxAddress: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['_entities', 0, 'taxAddress'],
        extensions: { code: 'FORBIDDEN', scopes: ['dgfip_adresse_fiscale'] },
      }),
    ]);
  });

  test('scopes on a type apply to its fields (FamilyQuotient)', async () => {
    const { entities } = await ask('cnaf', 'marie.dupont', 'cnaf_quotient_familial', 'familyQuotient { value regime }');
    expect(entities[0]).toEqual({ familyQuotient: { value: 540, regime: 'CAF' } });
  });

  test("another provider's scope grants nothing here", async () => {
    const { entities, body } = await ask(
      'cnaf',
      'marie.dupont',
      'dgfip_adresse_fiscale ants_vehicules',
      'familyQuotient { value } dependentChildren',
    );
    expect(entities[0]).toEqual({ familyQuotient: null, dependentChildren: null });
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  test("a scope granted at a sign-in level below the catalog's minAcr opens nothing", async () => {
    const scope = 'cnaf_prestations cnaf_quotient_familial';
    const low = await ask('cnaf', 'marie.dupont', scope, 'benefits { kind } familyQuotient { value }', undefined, {
      acr: 'eidas1',
    });
    expect(low.entities[0]).toEqual({ benefits: null, familyQuotient: { value: 540 } });
    expect(low.body.errors).toEqual([
      expect.objectContaining({
        path: ['_entities', 0, 'benefits'],
        extensions: { code: 'PROVIDER_ACR_TOO_LOW', scopes: ['cnaf_prestations'] },
      }),
    ]);
    const none = await ask('cnaf', 'marie.dupont', scope, 'benefits { kind }', undefined, { acr: undefined });
    expect(none.body.errors![0]!.extensions!.code).toBe('PROVIDER_ACR_TOO_LOW');
    const enough = await ask('cnaf', 'marie.dupont', scope, 'benefits { kind }', undefined, { acr: 'eidas3' });
    expect(enough.entities[0]).toEqual({ benefits: [{ kind: 'APL' }, { kind: 'PRIME_ACTIVITE' }] });
  });

  test('an ungranted field runs no query: only the citizen is matched', async () => {
    const { log } = await ask('ants', 'marie.dupont', '', 'vehicles { registrationNumber }');
    expect(log.queries).toBe(1);
    expect(log.errors).toEqual(['FORBIDDEN']);
  });
});

describe('entity references', () => {
  test("a representation for another citizen than the token's is refused", async () => {
    const { entities, body, log } = await ask(
      'dgfip',
      'marie.dupont',
      'dgfip_adresse_fiscale',
      'taxAddress { city }',
      () => [citizen('someone-else')],
    );
    expect(entities).toEqual([null]);
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['_entities', 0], extensions: { code: 'PROVIDER_CITIZEN_MISMATCH' } }),
    ]);
    expect(log.queries).toBe(0);
  });

  test("the empty key the gateway sends for any citizen but the request's is refused like any other", async () => {
    const { entities, body, log } = await ask(
      'dgfip',
      'marie.dupont',
      'dgfip_adresse_fiscale',
      'taxAddress { city }',
      () => [citizen('')],
    );
    expect(entities).toEqual([null]);
    expect(body.errors!.map((e) => e.extensions!.code)).toEqual(['PROVIDER_CITIZEN_MISMATCH']);
    expect(log.queries).toBe(0);
  });

  test('mixed with the right one, only the right one resolves', async () => {
    const { entities, body } = await ask(
      'dgfip',
      'marie.dupont',
      'dgfip_adresse_fiscale',
      'taxAddress { city }',
      (sub) => [citizen(sub), citizen('someone-else'), { __typename: 'Citizen' }],
    );
    expect(entities).toEqual([{ taxAddress: { city: 'Nîmes' } }, null, null]);
    expect(body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [['_entities', 1], 'PROVIDER_CITIZEN_MISMATCH'],
      [['_entities', 2], 'PROVIDER_CITIZEN_MISMATCH'],
    ]);
  });
});

describe('one SQL query per entity type per request', () => {
  test.each([
    // provider, selection, queries: the citizen match + one per data table read
    ['dgfip', 'taxAddress { city } taxHousehold { shares }', 2],
    [
      'dgfip',
      'a: taxAddress { city } b: taxAddress { lines } taxHousehold { taxYear referenceTaxIncome shares familySituation }',
      2,
    ],
    ['ants', 'vehicles { registrationNumber } again: vehicles { critAir make }', 2],
    ['cnaf', 'familyQuotient { value }', 2],
    [
      'cnaf',
      'familyQuotient { value month } benefits { kind } dependentChildren q: familyQuotient { regime } b: benefits { since }',
      4,
    ],
  ])('%s { %s }: %d queries, with several representations of the citizen', async (provider, selection, queries) => {
    const scope = {
      dgfip: 'dgfip_adresse_fiscale dgfip_rfr dgfip_nbpart dgfip_sitfam',
      ants: 'ants_vehicules ants_caracteristiques ants_critair',
      cnaf: 'cnaf_quotient_familial cnaf_prestations cnaf_enfants',
    }[provider]!;
    const { entities, body, log } = await ask(provider, 'anne-sophie.lefevre-roy', scope, selection, (sub) => [
      citizen(sub),
      citizen(sub),
      citizen(sub),
    ]);
    expect(body.errors).toBeUndefined();
    expect(entities).toHaveLength(3);
    expect(entities[1]).toEqual(entities[0]);
    expect(log.queries).toBe(queries);
  });

  test('an unknown citizen costs the match query only', async () => {
    const claims = tokenClaims(
      env.issuer,
      'cnaf',
      { ...sandbox('marie.dupont'), birthdate: '1985-04-13' },
      'cnaf_quotient_familial cnaf_prestations cnaf_enfants',
    );
    const response = await post(
      env.urls.cnaf!,
      await env.issuer.sign(claims),
      entitiesQuery('familyQuotient { value } benefits { kind } dependentChildren'),
      { representations: [citizen(claims.sub!)] },
    );
    expect(response.body.data!._entities).toEqual([{ familyQuotient: null, benefits: null, dependentChildren: null }]);
    expect(env.logs.request(response.requestId)!.queries).toBe(1);
  });
});

const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

describe('the HTTP endpoint', () => {
  const token = () => env.issuer.sign(tokenClaims(env.issuer, 'ants', sandbox('marie.dupont'), 'ants_vehicules'));

  test('health: live and ready', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      const response = await fetch(`${env.urls.ants}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', provider: 'ants' });
    }
  });

  test('metrics: the process defaults (RSS, event-loop lag), labelled with the provider', async () => {
    const response = await fetch(`${env.urls.ants}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^passerelle_subgraph_process_resident_memory_bytes\{provider="ants"\} \d+/m);
    expect(text).toMatch(/^passerelle_subgraph_nodejs_eventloop_lag_p99_seconds\{provider="ants"\} /m);
    expect((await fetch(`${env.urls.ants}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  test('GraphQL is also served at /graphql', async () => {
    const response = await post(`${env.urls.ants}/graphql`, await token(), '{ __typename }');
    expect(response.body.data).toEqual({ __typename: 'Query' });
  });

  test('unknown path, wrong method, wrong media type, bad JSON, oversized body', async () => {
    expect((await fetch(`${env.urls.ants}/nope`)).status).toBe(404);
    const get = await fetch(env.urls.ants!, { headers: { authorization: `Bearer ${await token()}` } });
    expect([get.status, get.headers.get('allow'), await errorOf(get)]).toEqual([
      405,
      'POST',
      'PROVIDER_METHOD_NOT_ALLOWED',
    ]);
    const text = await fetch(env.urls.ants!, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect([text.status, await errorOf(text)]).toEqual([415, 'PROVIDER_UNSUPPORTED_MEDIA_TYPE']);
    const bad = await fetch(env.urls.ants!, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: '{"query":',
    });
    expect([bad.status, await errorOf(bad)]).toEqual([400, 'PROVIDER_INVALID_JSON']);
    const big = await fetch(env.urls.ants!, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }),
    });
    expect([big.status, await errorOf(big)]).toEqual([413, 'PROVIDER_REQUEST_TOO_LARGE']);
  });

  test('GraphQL errors keep their codes; no introspection, no stack traces', async () => {
    const parse = await post(env.urls.ants!, await token(), '{ _entities(');
    expect(parse.status).toBe(400);
    expect(parse.body.errors![0]!.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
    const introspection = await post(env.urls.ants!, await token(), '{ __schema { types { name } } }');
    expect(introspection.body.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
