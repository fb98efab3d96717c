/** Time source for business rules; tests substitute a fixed or shifted clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The Italian civil day (Europe/Rome) of an instant, as YYYY-MM-DD: it decides register years and days. */
export function romeDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Rome',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
