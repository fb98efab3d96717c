/** Time source for business rules; tests substitute a fixed or shifted clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// One formatter for the process: building an Intl.DateTimeFormat (time-zone data, locale) costs
// far more than formatting with it, and romeDay runs several times per registration.
const ROME_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const HOUR_MS = 3_600_000;
/** Rome days by UTC hour (see romeDay); bounded, a request touches one or two hours. */
const romeDays = new Map<number, string>();

/** The Italian civil day (Europe/Rome) of an instant, as YYYY-MM-DD: it decides register years and days. */
export function romeDay(at: Date): string {
  // Rome's offset from UTC has been a whole number of hours since 1893, changing on whole UTC
  // hours: the day is the same through a UTC hour, so it is formatted once per hour (formatting
  // is a few microseconds a call, and a registration asks several times).
  const hour = Math.floor(at.getTime() / HOUR_MS);
  let day = romeDays.get(hour);
  if (day === undefined) {
    day = ROME_DAY.format(at);
    if (romeDays.size >= 1000) romeDays.clear();
    romeDays.set(hour, day);
  }
  return day;
}
