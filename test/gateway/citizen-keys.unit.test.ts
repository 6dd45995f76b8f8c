import { dropReturnedKeys, toProviderKeys } from '../../gateway/citizen-keys.ts';

/** The `Citizen` key between the gateway and one provider (gateway/citizen-keys.ts). */
describe('the Citizen key sent to a provider', () => {
  const ids = { gateway: 'sp-sub', provider: 'provider-sub' };

  test("a Citizen representation carries the provider's identifier, other representations and variables are untouched", () => {
    const variables = {
      year: 2026,
      representations: [
        { __typename: 'Citizen', id: 'sp-sub' },
        { __typename: 'Vehicle', id: 'sp-sub', registrationNumber: 'AB-123-CD' },
      ],
    };
    expect(toProviderKeys(variables, ids)).toEqual({
      year: 2026,
      representations: [
        { __typename: 'Citizen', id: 'provider-sub' },
        { __typename: 'Vehicle', id: 'sp-sub', registrationNumber: 'AB-123-CD' },
      ],
    });
    // The gateway's own objects are not changed: they are its entities.
    expect(variables.representations[0]).toEqual({ __typename: 'Citizen', id: 'sp-sub' });
  });

  test('a Citizen other than the request’s is sent with an empty key (the provider refuses it), never its id', () => {
    const sent = toProviderKeys({ representations: [{ __typename: 'Citizen', id: 'someone-else' }] }, ids);
    expect(sent).toEqual({ representations: [{ __typename: 'Citizen', id: '' }] });
  });

  test('a fetch without representations is sent as it is', () => {
    expect(toProviderKeys(undefined, ids)).toBeUndefined();
    const variables = { a: 1 };
    expect(toProviderKeys(variables, ids)).toBe(variables);
  });
});

describe('the Citizen key a provider sends back', () => {
  test('an id returned for a Citizen is dropped, so the entity keeps the gateway’s; other fields and types stay', () => {
    const data = {
      _entities: [
        { __typename: 'Citizen', id: 'provider-sub', vehicles: [{ id: 'v1' }] },
        { __typename: 'Vehicle', id: 'v2' },
        null,
      ],
    };
    dropReturnedKeys(data, {
      representations: [
        { __typename: 'Citizen', id: 'provider-sub' },
        { __typename: 'Vehicle', id: 'v2' },
        { __typename: 'Citizen', id: 'provider-sub' },
      ],
    });
    expect(data).toEqual({
      _entities: [{ __typename: 'Citizen', vehicles: [{ id: 'v1' }] }, { __typename: 'Vehicle', id: 'v2' }, null],
    });
  });

  test('a response without entities is left alone', () => {
    const data = { other: { id: 'x' } };
    dropReturnedKeys(data, { representations: [{ __typename: 'Citizen', id: 'x' }] });
    dropReturnedKeys(null, undefined);
    expect(data).toEqual({ other: { id: 'x' } });
  });
});
