import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { romeDay } from './clock.js';

/** What romeDay must answer: the Europe/Rome calendar day, formatted afresh for each instant. */
const formatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Rome',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const expected = (ms: number) => formatter.format(new Date(ms));

describe('romeDay (one formatting per UTC hour)', () => {
  it('agrees with the time-zone formatter minute by minute around midnights and offset changes', () => {
    const around = [
      '2026-03-28T20:00:00Z', // the night CEST starts (01:00 UTC on the 29th)
      '2026-10-24T20:00:00Z', // the night CEST ends (01:00 UTC on the 25th)
      '2026-12-31T20:00:00Z', // a new register year
      '1980-09-27T20:00:00Z', // the last Italian rule before the EU's
      '1966-05-21T20:00:00Z',
      '1944-04-01T20:00:00Z', // the war years' rules
      '1893-10-31T20:00:00Z', // Rome mean time ends (23:00 UTC): from then on, whole hours
    ];
    for (const start of around) {
      const from = Date.parse(start);
      for (let ms = from; ms < from + 12 * 3_600_000; ms += 60_000)
        assert.equal(romeDay(new Date(ms)), expected(ms), new Date(ms).toISOString());
    }
  });

  it('agrees with it on instants in any order (the cached hour is replaced, never reused wrongly)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(1850, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(from + random() * (to - from));
      assert.equal(romeDay(new Date(ms)), expected(ms), new Date(ms).toISOString());
      // The same UTC hour again, at its first and last millisecond.
      const hour = Math.floor(ms / 3_600_000) * 3_600_000;
      assert.equal(romeDay(new Date(hour + 3_599_999)), expected(hour + 3_599_999));
      assert.equal(romeDay(new Date(hour)), expected(hour));
    }
  });

  it('answers for instants before 1893 (minutes of offset) and invalid dates as the formatter does', () => {
    assert.equal(romeDay(new Date('1866-12-11T23:30:00Z')), expected(Date.parse('1866-12-11T23:30:00Z')));
    assert.throws(() => romeDay(new Date(Number.NaN)), RangeError);
  });
});
