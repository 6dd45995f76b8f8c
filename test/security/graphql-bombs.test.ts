import { DEFAULT_OPERATION_LIMITS as LIMITS } from '../../lib/contracts/operation-limits.ts';
import { PARKING, PARKING_SCOPES, expectRefused, useNegativesBench } from './support/graphql-gateway.ts';

/**
 * Documents built to make the gateway work: deep, wide, aliased, directive-laden,
 * fragment chains and fan-outs, thousands of variables. Under the default limits
 * (gateway.limits, lib/contracts/operation-limits.ts) each is refused with its limit
 * code, quickly (the parser stops at maxTokens, the limit rules run during validation,
 * before the field walk), and reaches no provider.
 */
const bench = useNegativesBench();
let token: string;
beforeAll(async () => {
  token = await bench.tokenFor(PARKING, { scopes: PARKING_SCOPES });
});

const repeat = (n: number, f: (i: number) => string, sep = ' ') => Array.from({ length: n }, (_, i) => f(i)).join(sep);
/** A chain of `n` fragments on Citizen, each spreading the next (twice, when `fanOut`: 2^n paths for a naive walker). */
const fragmentChain = (n: number, fanOut: boolean) =>
  `query B { me { ...F0 } } ${repeat(n, (i) =>
    i === n - 1
      ? `fragment F${i} on Citizen { id }`
      : `fragment F${i} on Citizen { ...F${i + 1}${fanOut ? ` ... on Citizen { ...F${i + 1} }` : ''} }`,
  )}`;

/** Slower than this is a limit not doing its job (the measured figures are a few milliseconds). */
const FAST_MS = 1000;

describe('refused with their limit code, fast', () => {
  test.each([
    ['depth: fragment spreads nested past maxDepth', fragmentChain(LIMITS.maxDepth + 2, false), 'OPERATION_TOO_DEEP'],
    ['a chain of 60 fragments', fragmentChain(60, false), 'OPERATION_TOO_DEEP'],
    ['a fan-out of 30 fragments (2^30 paths)', fragmentChain(30, true), 'OPERATION_TOO_DEEP'],
    [
      'inline fragments nested 100 deep',
      `query B { me { ${repeat(100, () => '... on Citizen {')} id ${repeat(100, () => '}')} } }`,
      'OPERATION_TOO_DEEP',
    ],
    [
      'aliases: one past maxAliases',
      `query B { me { ${repeat(LIMITS.maxAliases + 1, (i) => `a${i}: id`)} } }`,
      'OPERATION_TOO_MANY_ALIASES',
    ],
    [
      'aliases: 250 of __typename',
      `query B { ${repeat(250, (i) => `a${i}: __typename`)} }`,
      'OPERATION_TOO_MANY_ALIASES',
    ],
    [
      'aliases: a fragment of aliases spread under aliases',
      `query B { ${repeat(5, (i) => `m${i}: me { ...A }`)} } fragment A on Citizen { ${repeat(5, (i) => `x${i}: id`)} }`,
      'OPERATION_TOO_MANY_ALIASES',
    ],
    [
      'directives: one past maxDirectives',
      `query B { me { id ${repeat(LIMITS.maxDirectives + 1, () => '@include(if: true)')} } }`,
      'OPERATION_TOO_MANY_DIRECTIVES',
    ],
    [
      'directives: 150 unknown ones',
      `query B { me { id ${repeat(150, (i) => `@d${i}`)} } }`,
      'OPERATION_TOO_MANY_DIRECTIVES',
    ],
    [
      'directives: on every spread of a fragment',
      `query B { me { ${repeat(20, () => '...F @skip(if: false)')} } } fragment F on Citizen { id }`,
      'OPERATION_TOO_MANY_DIRECTIVES',
    ],
    [
      'tokens: the same field 1000 times',
      `query B { me { ${repeat(1000, () => 'id')} } }`,
      'OPERATION_TOO_MANY_TOKENS',
    ],
    [
      'tokens: 300 declared variables',
      `query B(${repeat(300, (i) => `$v${i}: Boolean`)}) { me { id } }`,
      'OPERATION_TOO_MANY_TOKENS',
    ],
    [
      'tokens: fields nested 2000 deep, never closed',
      `query B { me ${repeat(2000, () => '{ a')}`,
      'OPERATION_TOO_MANY_TOKENS',
    ],
    [
      'size: a document over maxDocumentBytes (padded with a comment)',
      `${PARKING} #${'x'.repeat(LIMITS.maxDocumentBytes)}`,
      'OPERATION_TOO_LARGE',
    ],
  ])('%s', async (_what, query, code) => {
    const started = performance.now();
    const sent = await bench.send({ query }, token);
    const ms = performance.now() - started;
    await expectRefused(bench, sent, 400, code);
    expect(ms).toBeLessThan(FAST_MS);
  });

  test('the same field 790 times, within the token limit: graphql-js stops its overlap check, 400 OPERATION_INVALID', async () => {
    const started = performance.now();
    const sent = await bench.send({ query: `query B { me { ${repeat(LIMITS.maxTokens - 10, () => 'id')} } }` }, token);
    expect(performance.now() - started).toBeLessThan(FAST_MS);
    await expectRefused(bench, sent, 400, 'OPERATION_INVALID');
  });

  test('a fragment cycle: 400 OPERATION_INVALID, no stack overflow', async () => {
    const query = 'query B { me { ...A } } fragment A on Citizen { ...B } fragment B on Citizen { ...A }';
    await expectRefused(bench, await bench.send({ query }, token), 400, 'OPERATION_INVALID');
  });
});

describe('variables', () => {
  test('thousands of undeclared variables for the consented document: 400 REQUEST_VARIABLES_UNDECLARED', async () => {
    const variables = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`v${i}`, true]));
    const sent = await bench.send({ query: PARKING, variables }, token);
    await expectRefused(bench, sent, 400, 'REQUEST_VARIABLES_UNDECLARED');
    expect(sent.json.errors[0].extensions).toMatchObject({ count: 2500, variables: expect.any(Array) });
    expect(sent.json.errors[0].extensions.variables).toHaveLength(10);
  });

  test('one undeclared variable beside a declared one: 400 REQUEST_VARIABLES_UNDECLARED', async () => {
    const query = 'query P($x: Boolean!) { me { id @include(if: $x) } }';
    const sent = await bench.send({ query, variables: { x: true, y: 1 } }, await bench.tokenFor(query));
    await expectRefused(bench, sent, 400, 'REQUEST_VARIABLES_UNDECLARED');
    expect(sent.json.errors[0].extensions.variables).toEqual(['y']);
  });

  test('a variable nested 10 000 lists deep: 400 REQUEST_BODY_INVALID, never a 500', async () => {
    const query = 'query P($x: Boolean!) { me { id @include(if: $x) } }';
    const consented = await bench.tokenFor(query);
    const deep = `{"query":${JSON.stringify(query)},"variables":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const sent = await bench.send(deep, consented);
    await expectRefused(bench, sent, 400, 'REQUEST_BODY_INVALID');
    expect(sent.json.errors[0].extensions.reason).toBe('the JSON nests deeper than 32 levels');
  });

  test('JSON nested 32 levels passes the body check, then is refused for the variable type', async () => {
    const query = 'query P($x: Boolean!) { me { id @include(if: $x) } }';
    // The body object and `variables` are two levels: 30 lists inside them.
    const body = `{"query":${JSON.stringify(query)},"variables":{"x":${'['.repeat(30)}${']'.repeat(30)}}}`;
    const sent = await bench.send(body, await bench.tokenFor(query));
    await expectRefused(bench, sent, 400, 'REQUEST_VARIABLES_INVALID');
  });

  test.each([
    ['of the wrong type', { x: 'yes' }],
    ['missing', {}],
    ['null for a non-null type', { x: null }],
  ])('a declared variable %s: 400 REQUEST_VARIABLES_INVALID', async (_what, variables) => {
    const query = 'query P($x: Boolean!) { me { id @include(if: $x) } }';
    const sent = await bench.send({ query, variables }, await bench.tokenFor(query));
    expect(sent.json.errors[0].extensions.problems).toEqual([expect.stringContaining('$x')]);
    await expectRefused(bench, sent, 400, 'REQUEST_VARIABLES_INVALID');
  });
});
