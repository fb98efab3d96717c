/** Time source for business rules; tests substitute a fixed or shifted clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// One formatter for the process: building an Intl.DateTimeFormat (time-zone data, locale) costs
// far more than formatting with it (under a microsecond), and romeDay runs several times per
// registration.
const ROME_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const HOUR_MS = 3_600_000;
/** Since 1 November 1893 Italy's offsets from UTC are whole hours (CET, CEST, the war's CEMT). */
const WHOLE_HOUR_OFFSETS_FROM = Date.UTC(1893, 10, 1);
// The last day formatted and the UTC hour it was formatted for. Formatting in a time zone still
// costs tens of microseconds, and a registration asks several times for the same day.
let lastHour = Number.NaN;
let lastDay = '';

/** The Italian civil day (Europe/Rome) of an instant, as YYYY-MM-DD: it decides register years and days. */
export function romeDay(at: Date): string {
  const ms = at.getTime();
  // With whole-hour offsets, Rome's midnight (and any change of offset) falls on a whole UTC
  // hour: every instant of one UTC hour has the same Rome day.
  if (!(ms >= WHOLE_HOUR_OFFSETS_FROM)) return ROME_DAY.format(at);
  const hour = Math.floor(ms / HOUR_MS);
  if (hour !== lastHour) {
    lastDay = ROME_DAY.format(at);
    lastHour = hour;
  }
  return lastDay;
}
