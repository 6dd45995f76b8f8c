import { importJWK, type CryptoKey } from 'jose';
import { connect, finishSignIn, queryGateway, startSignIn } from '../../docs/examples/service-provider.ts';
import { sandboxSpKey } from '../auth/support/broker.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { Citizen, consentPage } from './support/citizen.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
}, 60000);
afterAll(async () => {
  await platform?.close();
});

const PARKING = platform_parking();
function platform_parking() { return ''; }

test('marie', async () => {
  const key = sandboxSpKey('parking-nimes');
  const broker = await connect(platform.issuer, 'parking-nimes', await importJWK(key, 'ES256') as CryptoKey, { sandbox: true });
  const { url, checks } = await startSignIn(broker, { redirectUri: 'http://localhost:3000/callback', operationName: 'Parking', purpose: 'Calculer le tarif de votre abonnement' });
  const citizen = new Citizen(platform);
  const stop = await citizen.signIn(url, { login: 'marie.dupont', idp: 'impots' });
  console.log(stop.status, stop.url.href);
  const page = consentPage(stop);
  const back = await citizen.decide(page, 'allow');
  console.log(back.status, back.url.href);
  let result;
  try { result = await finishSignIn(broker, back.url, checks); } catch (e) { console.log((e as any).cause, platform.logs.filter(l => /error|warn/.test(l)).join('\n')); throw e; }
  console.log(result.identity, result.consented);
  const doc = platform.config.serviceProviders[0]!.operations.Parking!;
  const data = await queryGateway(platform.graphqlUrl, result.accessToken, doc, 'Parking');
  console.log(JSON.stringify(data));
}, 60000);
