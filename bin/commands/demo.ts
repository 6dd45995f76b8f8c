import { parseArgs } from 'node:util';
import { loadPlatformConfig } from '../config.ts';
import { SANDBOX_IDPS } from '../../sandbox/idps/definitions.ts';
import { formatEuros } from '../../sandbox/parking/pricing.ts';
import { visitParking, type VisitStep } from '../../sandbox/parking/visit.ts';

const USAGE = `usage: npm run demo -- --login <login> [--idp <name>] [--refuse] [--cancel-at-idp]
  Runs a citizen's whole visit to the parking service over HTTP (no browser) against the
  running platform (npm start), printing each step and the prices the service computed.
  --login    a sandbox account (password 123), e.g. marie.dupont
  --idp      the identity provider to choose (default: the first one holding the account)
  --refuse   refuse on the consent page
  --cancel-at-idp   cancel on the identity provider's login form`;

/** `passerelle demo`: sandbox configurations only (it signs in with the sandbox accounts). */
export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        login: { type: 'string' },
        idp: { type: 'string' },
        refuse: { type: 'boolean' },
        'cancel-at-idp': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help || !values.login) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadPlatformConfig();
  if (!config.sandbox || !config.parking) {
    console.error(
      'passerelle demo runs only against a sandbox configuration with the parking service ("sandbox": true and a "parking" section)',
    );
    return 2;
  }
  const login = values.login;
  const idps = Object.values(SANDBOX_IDPS)
    .filter((idp) => idp.logins.includes(login))
    .map((idp) => idp.name);
  const idp = values.idp ?? idps[0];
  if (!idp || !idps.includes(idp as never)) {
    console.error(
      idps.length
        ? `${login} has no account at ${values.idp}; it has one at: ${idps.join(', ')}`
        : `${login} is not a sandbox account; known: ${[...new Set(Object.values(SANDBOX_IDPS).flatMap((i) => i.logins))].join(', ')}`,
    );
    return 2;
  }

  console.log(`A visit of ${login} to ${config.parking.url}, signing in with ${idp}\n`);
  let count = 0;
  const print = (step: VisitStep) => {
    count++;
    // Parameter names only, long random identifiers shortened: the shape of the flow is what matters.
    const query = [...step.url.searchParams.keys()].join('&');
    const path = `${step.url.pathname}${query ? `?${query}` : ''}`.replace(
      /[A-Za-z0-9_-]{24,}/g,
      (id) => `${id.slice(0, 8)}…`,
    );
    const note = step.note.replace(/[A-Za-z0-9_-]{24,}/g, (id) => `${id.slice(0, 8)}…`);
    console.log(
      `${String(count).padStart(2)}. ${step.site.padEnd(12)} ${step.method.padEnd(4)} ${path.padEnd(48)} ${step.status}  ${note}`,
    );
  };
  let outcome;
  try {
    outcome = await visitParking({
      parkingUrl: config.parking.url,
      login,
      idp,
      consent: values.refuse ? 'refuse' : 'allow',
      cancelAtIdp: values['cancel-at-idp'] ?? false,
      onStep: print,
    });
  } catch (error) {
    const cause = (error as Error).cause as { code?: string } | undefined;
    console.error(
      `\nthe visit stopped: ${(error as Error).message}${cause?.code === 'ECONNREFUSED' ? ' (is the platform running? npm start)' : ''}`,
    );
    return 1;
  }

  console.log('');
  switch (outcome.kind) {
    case 'permit':
      console.log(`Resident parking permit: ${outcome.explanation}`);
      for (const v of outcome.vehicles) console.log(`  ${v.plate.padEnd(12)} ${formatEuros(v.monthlyCents)} / mois`);
      return 0;
    case 'ineligible':
      console.log(`Not eligible (${outcome.reason}): ${outcome.explanation}`);
      return 0;
    case 'error':
      console.log(`The parking service showed an error page: ${outcome.code}`);
      return 1;
  }
}
