import { ProviderDisclosure } from '../../gateway/provider-disclosure.ts';
import { providerSubject } from '../../gateway/provider-subject.ts';
import { MARIE } from './support/identities.ts';

/** What one provider's internal token says about a request (gateway/provider-disclosure.ts). */
describe('what a provider is told', () => {
  const secret = 'test-provider-subject-secret';
  const disclosure = new ProviderDisclosure(secret, [
    { name: 'dgfip', audience: 'urn:passerelle:dp:dgfip', receivesServiceProvider: false },
    { name: 'cnaf', audience: 'urn:passerelle:dp:cnaf', receivesServiceProvider: true },
  ]);
  const context = {
    claims: { sub: 'sp-sub', citizenRef: 'account-1', pivot: MARIE, acr: 'eidas2' as const, clientId: 'parking-nimes' },
    scopesByProvider: new Map([
      ['dgfip', ['dgfip_adresse_fiscale']],
      ['cnaf', ['cnaf_quotient_familial']],
    ]),
    requestId: 'req-1',
  };

  test("its own subject for the citizen, derived from the broker's account id, never the service provider's", () => {
    expect(disclosure.citizenIds('dgfip', context.claims)).toEqual({
      gateway: 'sp-sub',
      provider: providerSubject(secret, 'dgfip', 'account-1'),
    });
    expect(disclosure.citizenIds('dgfip', context.claims).provider).not.toBe(
      disclosure.citizenIds('cnaf', context.claims).provider,
    );
  });

  test('its audience, its scopes only, and the service provider only when its catalog asks for it', () => {
    expect(disclosure.tokenRequest('dgfip', context, 'dgfip-sub')).toEqual({
      audience: 'urn:passerelle:dp:dgfip',
      sub: 'dgfip-sub',
      pivot: MARIE,
      scopes: ['dgfip_adresse_fiscale'],
      acr: 'eidas2',
      requestId: 'req-1',
    });
    expect(disclosure.tokenRequest('cnaf', context, 'cnaf-sub')).toEqual({
      audience: 'urn:passerelle:dp:cnaf',
      sub: 'cnaf-sub',
      pivot: MARIE,
      scopes: ['cnaf_quotient_familial'],
      acr: 'eidas2',
      clientId: 'parking-nimes',
      requestId: 'req-1',
    });
  });

  test('a provider with no granted scope gets none, and an unknown provider is a programming error', () => {
    expect(disclosure.tokenRequest('dgfip', { ...context, scopesByProvider: new Map() }, 's').scopes).toEqual([]);
    expect(() => disclosure.tokenRequest('ants', context, 's')).toThrow(/unknown data provider ants/);
  });
});
