import { visitParking, type VisitOutcome } from '../../../sandbox/parking/visit.ts';
import { startTestPlatform, type TestPlatform } from '../../../harness/platform.ts';
import { textOf } from '../../../harness/citizen.ts';

/**
 * The parking service when someone applies for a relative (docs/parking.md "Acting for
 * someone"): Jean Martin, holding his mother's seeded mandate (transport and housing),
 * chooses her on the broker's "for whom" page and gets HER permit — her address, her
 * Peugeot 208 (Crit'Air 1), 35 € without a family quotient, half price: 17,50 € — on a page
 * saying it is in her name and requested by him. Acting for himself, by either button, he
 * keeps his own price.
 */
let platform: TestPlatform;
let parkingUrl: string;

beforeAll(async () => {
  platform = await startTestPlatform({ parking: true });
  parkingUrl = platform.urls.parking!;
}, 60000);
afterAll(async () => {
  await platform?.close();
});

const prices = (outcome: VisitOutcome) => (outcome.kind === 'permit' ? outcome.vehicles : outcome);

test('Jean acting for Yvonne gets her price, 17,50 € a month for her car, in her name', async () => {
  const pages: Array<{ url: URL; text: string }> = [];
  const outcome = await visitParking({
    parkingUrl,
    login: 'jean.martin',
    idp: 'ameli',
    actingFor: 'Yvonne Martin',
    onPage: (url, html) => pages.push({ url, text: textOf(html) }),
  });
  expect(prices(outcome)).toEqual([{ plate: expect.any(String), monthlyCents: 1750 }]);
  const text = textOf(outcome.html);
  expect(text).toContain(
    'Vignette au nom de Yvonne Martin, demandée par Jean Martin, qui agit pour cette personne au titre d’un mandat Passerelle.',
  );
  expect(text).toContain('Peugeot 208');
  expect(text).toMatch(/17,50\s€\s\/\smois/);
  expect(text).toContain('le quotient familial n’est pas consulté pour une démarche faite pour quelqu’un d’autre');

  // The broker asked for whom, then said on the consent page for whom he acts.
  const forWhom = pages.find((p) => p.text.includes('Pour qui faites-vous cette démarche ?'));
  expect(forWhom?.text).toContain('Pour moi-même');
  expect(forWhom?.text).toContain('Pour Yvonne Martin');
  const consent = pages.find((p) => p.text.includes('Autorisez-vous la transmission'));
  expect(consent?.text).toMatch(
    /Vous agissez pour Yvonne Martin, au titre du mandat qu’elle vous a donné le 1?\d(er)? \p{L}+ \d{4} pour Transports et véhicules et Logement et adresse\./u,
  );
  expect(consent?.text).toContain('Autorisez-vous la transmission des données de Yvonne Martin ?');
  expect(consent?.text).toContain('L’identité de Yvonne Martin');
  // The representation operation does not read the family quotient (social: not covered).
  expect(consent?.text).not.toContain('Quotient familial');
});

test('Jean for himself keeps his own price, by the usual button and by "for a relative" then "myself"', async () => {
  const own = await visitParking({ parkingUrl, login: 'jean.martin', idp: 'ameli' });
  expect(prices(own)).toEqual([{ plate: 'CH-318-XN', monthlyCents: 3500 }]);
  expect(textOf(own.html)).toContain('Au nom de Jean Martin, identité vérifiée par Passerelle.');
  expect(textOf(own.html)).toMatch(/quotient familial \(1450 €\) dépasse 1200 €/);

  const self = await visitParking({ parkingUrl, login: 'jean.martin', idp: 'ameli', actingFor: 'self' });
  expect(prices(self)).toEqual([{ plate: 'CH-318-XN', monthlyCents: 3500 }]);
  expect(textOf(self.html)).toContain('Au nom de Jean Martin, identité vérifiée par Passerelle.');
  expect(textOf(self.html)).not.toContain('demandée par');
});

test('Yvonne for herself gets the same price (docs/parking.md "Expected outcomes")', async () => {
  const own = await visitParking({ parkingUrl, login: 'yvonne.martin', idp: 'ameli' });
  expect(prices(own)).toEqual([{ plate: expect.any(String), monthlyCents: 1750 }]);
  expect(textOf(own.html)).toContain('Au nom de Yvonne Martin, identité vérifiée par Passerelle.');
});

test('someone without a mandate sees no "for whom" page and applies for themselves', async () => {
  const pages: string[] = [];
  const outcome = await visitParking({
    parkingUrl,
    login: 'marie.dupont',
    idp: 'impots',
    actingFor: 'self',
    onPage: (_url, html) => pages.push(textOf(html)),
  });
  expect(outcome.kind).toBe('permit');
  expect(pages.some((p) => p.includes('Pour qui faites-vous cette démarche ?'))).toBe(false);
  expect(textOf(outcome.html)).toContain('Au nom de Marie Dupont');
});
