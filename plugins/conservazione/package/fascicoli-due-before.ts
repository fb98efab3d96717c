import { romeDay } from '../../../server/clock.js';

/**
 * The rule of DOMAIN §9 (closed fascicoli go to conservation at least yearly) as a cut-off: a
 * fascicolo closed before the returned day (Europe/Rome calendar) is due. The yearly run and the
 * archivist's due view both use it.
 */
export function fascicoliDueBefore(now: Date): string {
  return yearBefore(romeDay(now));
}

/** The same calendar day one year earlier (29 February → 28 February). */
function yearBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
