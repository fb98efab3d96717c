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

/** The Italian civil day (Europe/Rome) of an instant, as YYYY-MM-DD: it decides register years and days. */
export function romeDay(at: Date): string {
  return ROME_DAY.format(at);
}
