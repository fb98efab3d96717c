import { romeDay } from '../../server/clock.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `day` is a real calendar date written YYYY-MM-DD. */
export function isDay(day: string): boolean {
  const m = DAY.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === day;
}

/** The calendar day after (or `n` days after) `day`, YYYY-MM-DD. */
export function addDays(day: string, n: number): string {
  const m = DAY.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n)).toISOString().slice(0, 10);
}

/**
 * The instant the Italian civil day `day` begins (00:00 Europe/Rome): 23:00 or 22:00 UTC of the
 * day before, by the offset in force at that midnight (legal time changes at 02:00/03:00, never
 * at midnight). The day lasts until the next day's start: 23 hours on the last Sunday of March,
 * 25 on the last Sunday of October.
 */
export function romeDayStart(day: string): Date {
  const m = DAY.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  const utcMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  for (const offsetHours of [1, 2]) {
    const at = new Date(utcMidnight - offsetHours * 3_600_000);
    if (romeDay(at) === day && romeDay(new Date(at.getTime() - 1)) !== day) return at;
  }
  throw new Error(`no Europe/Rome midnight found for ${day}`);
}

/** [start, end) of the Italian civil day. */
export function romeDayBounds(day: string): { from: Date; to: Date } {
  return { from: romeDayStart(day), to: romeDayStart(addDays(day, 1)) };
}

const ROME_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Rome',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** HH:MM of the instant in Europe/Rome. */
export function romeTime(at: Date): string {
  return ROME_TIME.format(at);
}

const ROME_OFFSET = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Rome', timeZoneName: 'longOffset' });

/**
 * The instant in Italian local time with its offset, e.g. 2026-03-29T03:15:00.123+02:00: what
 * the register writes (xs:dateTime with the zone: unambiguous in the repeated hour of October).
 */
export function romeDateTime(at: Date): string {
  const offset =
    ROME_OFFSET.formatToParts(at)
      .find((p) => p.type === 'timeZoneName')
      ?.value.replace('GMT', '') || '+00:00';
  const sign = offset.startsWith('-') ? -1 : 1;
  const [h, mi] = offset.slice(1).split(':').map(Number);
  const shifted = new Date(at.getTime() + sign * ((h ?? 0) * 60 + (mi ?? 0)) * 60_000);
  return `${shifted.toISOString().slice(0, 23)}${offset}`;
}
