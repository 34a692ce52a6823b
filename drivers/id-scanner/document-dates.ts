/**
 * Dates on identity documents, to `YYYY-MM-DD` (DESIGN §10).
 *
 * - MRZ dates are YYMMDD (ICAO 9303-3 §4.7, "Representation of dates"); the century is not written, so
 *   DESIGN §10 fixes it: a birth year is in the past, an expiry year within the next 50 years.
 * - AAMVA dates are 8 digits, MMDDCCYY for the U.S. and CCYYMMDD for Canada (AAMVA DL/ID Card Design
 *   Standard, Annex D, elements DBA/DBB/DBD); the order is chosen by the AAMVA parser.
 *
 * Pure functions: "today" is passed in, so results never depend on when a test runs.
 */
import { err, ok, type Result } from '../../protocol/result';

export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function calendarDayOf(date: Date): CalendarDay {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

export function isCalendarDate(d: CalendarDay): boolean {
  return (
    Number.isInteger(d.year) &&
    d.year >= 1 &&
    d.year <= 9999 &&
    d.month >= 1 &&
    d.month <= 12 &&
    d.day >= 1 &&
    d.day <= daysInMonth(d.year, d.month)
  );
}

export function formatCalendarDay(d: CalendarDay): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function compareDays(a: CalendarDay, b: CalendarDay): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** What a 6-character MRZ date field held: a full date, or fillers for an unknown date. */
export type MrzDate = { readonly known: true; readonly date: string } | { readonly known: false };

/**
 * ICAO 9303-3 §4.7: YYMMDD digits; a State may leave an unknown month and/or day (or the whole date)
 * as `<` fillers. A date with any filler is "unknown" (null in IdDocument); anything else that is not
 * a calendar date is refused. The error text names the problem, never the digits.
 */
export function parseMrzDate(
  field: string,
  kind: 'birth' | 'expiry',
  today: CalendarDay,
): Result<MrzDate, string> {
  if (!/^[0-9<]{6}$/.test(field)) return err('must be 6 digits (YYMMDD) or fillers');
  if (field.includes('<')) {
    // Year digits present but month/day unknown is allowed; a half-filled component is not.
    const parts = [field.slice(0, 2), field.slice(2, 4), field.slice(4, 6)];
    if (parts.some((p) => p.includes('<') && p !== '<<')) return err('has a partly filled component');
    return ok({ known: false });
  }
  const yy = Number(field.slice(0, 2));
  const month = Number(field.slice(2, 4));
  const day = Number(field.slice(4, 6));
  let year = 2000 + yy;
  if (kind === 'birth') {
    // DESIGN §10: the birth year is in the past, so 2000+YY unless that is after today.
    if (compareDays({ year, month, day }, today) > 0) year -= 100;
  } else if (year > today.year + 50) {
    // DESIGN §10: an expiry year lies within the next 50 years.
    year -= 100;
  }
  const date = { year, month, day };
  if (!isCalendarDate(date)) return err('is not a calendar date');
  return ok({ known: true, date: formatCalendarDay(date) });
}

/** AAMVA 8-digit date in the given order (Annex D: MMDDCCYY U.S., CCYYMMDD Canada and version 1). */
export function parseAamvaDate(field: string, order: 'MMDDCCYY' | 'CCYYMMDD'): Result<string, string> {
  if (!/^[0-9]{8}$/.test(field)) return err(`must be 8 digits (${order})`);
  const date =
    order === 'MMDDCCYY'
      ? { month: Number(field.slice(0, 2)), day: Number(field.slice(2, 4)), year: Number(field.slice(4, 8)) }
      : { year: Number(field.slice(0, 4)), month: Number(field.slice(4, 6)), day: Number(field.slice(6, 8)) };
  if (!isCalendarDate(date)) return err(`is not a calendar date in ${order} order`);
  return ok(formatCalendarDay(date));
}
