/**
 * Pivot birthdates: `YYYY-MM-DD`, `YYYY-MM-00` (day unknown) or `YYYY-00-00`
 * (month and day unknown). A valid one denotes a range of days, which the
 * validator checks against today and against the birthplace's COG periods.
 */
export type BirthdateProblem = 'FORMAT' | 'NOT_A_DATE' | 'TOO_OLD' | 'IN_FUTURE';

export interface BirthdateRange {
  /** First and last day the birthdate can denote, `YYYY-MM-DD`. */
  from: string;
  to: string;
}

/** Nobody alive was born before this: an earlier date is a data error. */
const EARLIEST_BIRTHDATE = '1900-01-01';

/** UTC+14 is the earliest time zone: no birth anywhere is later than its today. */
const EARLIEST_ZONE_OFFSET_MS = 14 * 3600 * 1000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

export function parseBirthdate(
  value: string,
  now: Date = new Date(),
): { range: BirthdateRange } | { problem: BirthdateProblem } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return { problem: 'FORMAT' };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month > 12 || (month === 0 && day !== 0)) return { problem: 'NOT_A_DATE' };
  if (month !== 0 && day > daysInMonth(year, month)) return { problem: 'NOT_A_DATE' };

  const range: BirthdateRange =
    month === 0
      ? { from: `${pad(year, 4)}-01-01`, to: `${pad(year, 4)}-12-31` }
      : day === 0
        ? {
            from: `${pad(year, 4)}-${pad(month)}-01`,
            to: `${pad(year, 4)}-${pad(month)}-${pad(daysInMonth(year, month))}`,
          }
        : { from: value, to: value };
  if (range.from < EARLIEST_BIRTHDATE) return { problem: 'TOO_OLD' };
  const latestToday = new Date(now.getTime() + EARLIEST_ZONE_OFFSET_MS).toISOString().slice(0, 10);
  if (range.from > latestToday) return { problem: 'IN_FUTURE' };
  return { range };
}
