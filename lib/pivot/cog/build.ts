/**
 * Builds the compact INSEE COG (Code officiel géographique) tables the pivot
 * identity validator ships with: `data/communes.json` and `data/countries.json`.
 *
 *   npx tsx lib/pivot/cog/build.ts           # rewrite both files
 *   npx tsx lib/pivot/cog/build.ts --check   # fail if the committed files are stale
 *
 * The sources are npm packages pinned as devDependencies (exact versions), so a
 * rebuild is reproducible and the runtime never loads them:
 *
 * Communes
 * - `@etalab/decoupage-administratif@6.0.0` — COG 2026 (INSEE, via data.gouv.fr,
 *   Licence Ouverte): current communes, communes déléguées and associées,
 *   arrondissements municipaux (Paris, Lyon, Marseille) and the communes of the
 *   collectivités d'outre-mer.
 * - `decoupage-administratif-2019` = `@etalab/decoupage-administratif@0.7.0` —
 *   its `historique-communes.json`: every commune of the COG from 1943-01-01 to
 *   2019-01-01 with its validity dates (merges, splits, Corsica's 20xxx -> 2A/2B
 *   in 1976, ...). Later versions of the package dropped this file.
 * How they are combined (see `communePeriods`): a code is valid during the
 * periods it was a commune (COM), an associated commune (COMA) or a delegated
 * commune (COMD) in the history — the three kinds, with arrondissements
 * municipaux (ARM), INSEE lists as communes. A code still valid in 2019 and
 * absent from the 2026 list ends at 2026-01-01 at the latest (the history stops
 * in 2019: the real end, between the two, is unknown, so we stay lenient).
 * Codes only in the 2026 list (arrondissements municipaux, collectivités
 * d'outre-mer) have no known history and are valid at every date.
 *
 * Countries
 * - `french-ssn@4.1.0` `dist/data/countries.json` — the INSEE codes (99xxx) of
 *   the current states, as used in the French social security number.
 * - `SUPPLEMENT` below — codes of the INSEE list "pays et territoires étrangers"
 *   (COG 2025) that french-ssn lacks: territories and former states. Each was
 *   checked against that INSEE list (code and name).
 * - ISO 3166-1 alpha-2 codes: matched by French name against
 *   `i18n-iso-countries@7.14.0`; the names that do not match are mapped in
 *   `ISO_BY_COG` (checked by hand, each listed with both names in the build
 *   output). Every ISO code is checked to exist in i18n-iso-countries.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const readJson = <T>(specifier: string): T => JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as T;
const dataFile = (name: string): string => fileURLToPath(new URL(`./data/${name}`, import.meta.url));

/** The last day covered by the 2019 history and the date of the current list. */
const HISTORY_END = '2019-01-01';
const CURRENT_LIST_DATE = '2026-01-01';

// ---------------------------------------------------------------- communes

interface CurrentCommune {
  code: string;
  nom: string;
  type: string;
}
interface HistoryEntry {
  code: string;
  nom: string;
  type: 'COM' | 'COMA' | 'COMD' | 'COMP';
  dateDebut?: string;
  dateFin?: string;
}

/** [start, end): ISO dates, `null` = open (before 1943 / still valid). */
type Period = [string | null, string | null];

function communePeriods(
  current: CurrentCommune[],
  history: HistoryEntry[],
): Map<string, { name: string; periods: Period[] }> {
  // A commune nouvelle and its delegated commune often share a code: name it after the commune.
  const currentCodes = new Map<string, string>();
  for (const c of current)
    if (c.type !== 'commune-deleguee' || !currentCodes.has(c.code)) currentCodes.set(c.code, c.nom);
  const result = new Map<string, { name: string; periods: Period[] }>();
  for (const entry of history) {
    // COMP: a commune absorbed by a simple merger, no longer a commune of its own.
    if (entry.type === 'COMP') continue;
    let end = entry.dateFin ?? null;
    if (end === null && !currentCodes.has(entry.code)) end = CURRENT_LIST_DATE;
    const item = result.get(entry.code) ?? { name: entry.nom, periods: [] };
    item.periods.push([entry.dateDebut ?? null, end]);
    if (!entry.dateFin) item.name = entry.nom;
    result.set(entry.code, item);
  }
  for (const [code, name] of currentCodes) {
    const item = result.get(code);
    if (!item) {
      result.set(code, { name, periods: [[null, null]] });
      continue;
    }
    item.name = name;
    // In the 2026 list but ended in the history: re-created after 2019.
    if (!item.periods.some(([, end]) => end === null)) item.periods.push([HISTORY_END, null]);
  }
  for (const item of result.values()) item.periods = mergePeriods(item.periods);
  return result;
}

function mergePeriods(periods: Period[]): Period[] {
  const key = (date: string | null, open: string): string => date ?? open;
  const sorted = [...periods].sort((a, b) => key(a[0], '0').localeCompare(key(b[0], '0')));
  const merged: Period[] = [];
  for (const period of sorted) {
    const last = merged.at(-1);
    if (last && key(period[0], '0') <= key(last[1], '9')) {
      if (key(period[1], '9') > key(last[1], '9')) last[1] = period[1];
    } else {
      merged.push([...period]);
    }
  }
  return merged;
}

/** `"Nîmes"` when valid at every date, else `["Name", "YYYYMMDD-YYYYMMDD", ...]` (empty side = open). */
function encodeCommune({ name, periods }: { name: string; periods: Period[] }): string | string[] {
  if (periods.length === 1 && periods[0]![0] === null && periods[0]![1] === null) return name;
  const day = (date: string | null): string => (date ?? '').replaceAll('-', '');
  return [name, ...periods.map(([start, end]) => `${day(start)}-${day(end)}`)];
}

function buildCommunes(): string {
  const current = readJson<CurrentCommune[]>('@etalab/decoupage-administratif/data/communes.json');
  const history = readJson<HistoryEntry[]>('decoupage-administratif-2019/data/historique-communes.json');
  const communes = communePeriods(current, history);
  const sortedCodes = [...communes.keys()].sort();
  const body = Object.fromEntries(sortedCodes.map((code) => [code, encodeCommune(communes.get(code)!)]));
  return `${JSON.stringify(
    {
      source:
        'INSEE COG 2026 (@etalab/decoupage-administratif@6.0.0) + COG history 1943-2019 (@etalab/decoupage-administratif@0.7.0); built by lib/pivot/cog/build.ts',
      communes: body,
    },
    null,
    0,
  ).replace(/,"(\d[\dAB]\d{3})":/g, ',\n"$1":')}\n`;
}

// --------------------------------------------------------------- countries

/**
 * INSEE codes missing from french-ssn, from the INSEE list "pays et territoires
 * étrangers" (COG 2025): territories (with the ISO codes they cover) and former
 * states (no ISO code: a person born there keeps that birth country).
 */
const SUPPLEMENT: Array<[cog: string, name: string, iso: string[]]> = [
  ['99115', 'Tchécoslovaquie', []],
  ['99120', 'Monténégro', ['ME']],
  ['99124', 'Turquie d’Europe', []],
  ['99133', 'Territoires britanniques en Méditerranée', ['GI']],
  ['99141', 'Allemagne de l’Est', []],
  ['99142', 'Allemagne de l’Ouest', []],
  ['99143', 'Chypre (code de 1960 à 1994)', []],
  ['99157', 'Kosovo', ['XK']],
  ['99158', 'Féroé', ['FO']],
  ['99159', 'Territoires norvégiens en Atlantique Nord', ['SJ']],
  ['99160', 'Åland', ['AX']],
  ['99161', 'Dépendances de la Couronne britannique', ['GG', 'IM', 'JE']],
  ['99162', 'Île des Faisans', []],
  ['99202', 'Yémen du Nord', []],
  ['99209', 'Sibérie', []],
  ['99210', 'Turkestan russe', []],
  ['99211', 'Kamtchatka', []],
  ['99218', 'Mandchoukouo', []],
  ['99221', 'Territoires britanniques au Proche-Orient', []],
  ['99228', 'États malais non fédérés', []],
  ['99230', 'Hong Kong', ['HK']],
  ['99232', 'Macao', ['MO']],
  ['99233', 'Yémen du Sud', []],
  ['99237', 'Corée (1945-1953)', []],
  ['99244', 'Vietnam du Nord', []],
  ['99245', 'Vietnam du Sud', []],
  ['99263', 'Protectorat d’Arabie du Sud', []],
  ['99264', 'Nouvelle-Guinée néerlandaise', []],
  ['99265', 'Territoires australiens de l’océan Indien', ['CC', 'CX', 'HM']],
  ['99305', 'Cameroun britannique', []],
  ['99306', 'Territoires britanniques de l’océan Atlantique', ['SH']],
  ['99307', 'Kenya (1962-1963)', []],
  ['99308', 'Territoire britannique de l’océan Indien', ['IO']],
  ['99313', 'Territoires espagnols en Afrique du Nord', []],
  ['99319', 'Territoires portugais de l’océan Atlantique', []],
  ['99320', 'Mozambique (avant 1975)', []],
  ['99325', 'Tanger', []],
  ['99349', 'Soudan du Sud', ['SS']],
  ['99362', 'Zanzibar', []],
  ['99363', 'Terres australes norvégiennes', ['BV']],
  ['99389', 'Sahara occidental', ['EH']],
  ['99402', 'Terre-Neuve', []],
  ['99403', 'Labrador', []],
  ['99425', 'Territoires britanniques dans les Antilles et Bermudes', ['AI', 'BM', 'KY', 'MS', 'TC', 'VG']],
  ['99427', 'Territoires britanniques dans l’océan Atlantique Sud', ['FK', 'GS']],
  ['99430', 'Groenland', ['GL']],
  ['99431', 'Aruba', ['AW']],
  ['99432', 'Territoires des États-Unis en Amérique', ['PR', 'VI']],
  ['99443', 'Bonaire, Saint-Eustache, Saba', ['BQ']],
  ['99444', 'Curaçao', ['CW']],
  ['99445', 'Saint-Martin (partie néerlandaise)', ['SX']],
  ['99446', 'Territoire antarctique argentin', []],
  ['99447', 'Territoire antarctique chilien', []],
  ['99503', 'Pitcairn', ['PN']],
  ['99504', 'Îles Hawaï (avant 1959)', []],
  ['99505', 'Territoires des États-Unis en Océanie', ['AS', 'GU', 'MP', 'UM']],
  ['99519', 'Territoires de la Nouvelle-Zélande', ['TK']],
  ['99520', 'Îles Cook', ['CK']],
  ['99521', 'Niue', ['NU']],
  ['99522', 'Territoires de l’Australie en Océanie', ['NF']],
  ['99699', 'Antarctique', ['AQ']],
];

/** french-ssn names that do not match i18n-iso-countries' French names. */
const ISO_BY_COG: Record<string, string> = {
  '99116': 'CZ',
  '99129': 'VA',
  '99148': 'BY',
  '99151': 'MD',
  '99156': 'MK',
  '99203': 'IQ',
  '99206': 'SY',
  '99238': 'KP',
  '99239': 'KR',
  '99241': 'LA',
  '99243': 'VN',
  '99309': 'TZ',
  '99312': 'CD',
  '99316': 'LY',
  '99323': 'CF',
  '99324': 'CG',
  '99391': 'SZ',
  '99404': 'US',
  '99408': 'DO',
  '99512': 'SB',
  '99515': 'MH',
};

/** ISO codes not in ISO 3166-1 proper but used by the EU (eIDAS) for a country. */
const USER_ASSIGNED_ISO = new Set(['XK']);

const normalizeName = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();

function buildCountries(): { text: string; report: string[] } {
  const ssn = readJson<Record<string, string>>('french-ssn/dist/data/countries.json');
  const isoNames = readJson<{ countries: Record<string, string | string[]> }>(
    'i18n-iso-countries/langs/fr.json',
  ).countries;
  const isoByName = new Map<string, string>();
  for (const [iso, names] of Object.entries(isoNames))
    for (const name of [names].flat()) isoByName.set(normalizeName(name), iso);
  const report: string[] = [];
  const rows: Array<[string, string, string[]]> = [];
  for (const [suffix, name] of Object.entries(ssn)) {
    const cog = `99${suffix}`;
    if (cog === '99100') continue;
    const iso =
      ISO_BY_COG[cog] ?? isoByName.get(normalizeName(name)) ?? isoByName.get(normalizeName(name.split(',')[0]!));
    if (!iso) throw new Error(`no ISO code for ${cog} ${name}: add it to ISO_BY_COG`);
    if (ISO_BY_COG[cog]) report.push(`${cog} ${name} -> ${iso} (${[isoNames[iso]].flat()[0]})`);
    rows.push([cog, name, [iso]]);
  }
  for (const row of SUPPLEMENT) {
    if (rows.some(([cog]) => cog === row[0]))
      throw new Error(`${row[0]} is already in french-ssn: remove it from SUPPLEMENT`);
    rows.push(row);
  }
  const seenIso = new Map<string, string>();
  for (const [cog, , isos] of rows) {
    for (const iso of isos) {
      if (!isoNames[iso] && !USER_ASSIGNED_ISO.has(iso))
        throw new Error(`${cog}: ${iso} is not an ISO 3166-1 alpha-2 code`);
      if (seenIso.has(iso)) throw new Error(`${iso} is mapped twice (${seenIso.get(iso)} and ${cog})`);
      seenIso.set(iso, cog);
    }
  }
  rows.push(['99100', 'France', ['FR']]);
  rows.sort(([a], [b]) => a.localeCompare(b));
  const body = Object.fromEntries(rows.map(([cog, name, iso]) => [cog, { name, iso }]));
  const text = `${JSON.stringify({
    source:
      'INSEE COG country codes (french-ssn@4.1.0 + INSEE list of foreign countries and territories, COG 2025), ISO 3166-1 alpha-2 (i18n-iso-countries@7.14.0); built by lib/pivot/cog/build.ts',
    countries: body,
  }).replace(/,"(99\d{3})":/g, ',\n"$1":')}\n`;
  return { text, report };
}

// -------------------------------------------------------------------- main

function main(): void {
  const check = process.argv.includes('--check');
  const countries = buildCountries();
  const outputs: Array<[string, string]> = [
    ['communes.json', buildCommunes()],
    ['countries.json', countries.text],
  ];
  let stale = false;
  for (const [name, text] of outputs) {
    const path = dataFile(name);
    if (check) {
      let committed = '';
      try {
        committed = readFileSync(path, 'utf8');
      } catch {
        /* missing: stale */
      }
      if (committed !== text) {
        stale = true;
        console.error(`${name} is stale: run npx tsx lib/pivot/cog/build.ts`);
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path} (${(text.length / 1024).toFixed(0)} KiB)`);
    }
  }
  if (!check) console.log(`ISO codes mapped by hand (check the names):\n  ${countries.report.join('\n  ')}`);
  if (stale) process.exit(1);
}

main();
