import type { Clock } from '../../server/clock.js';

/** A platform clock a test sets by hand (to cross a Europe/Rome midnight, say). */
export class SettableClock implements Clock {
  private at: Date;

  constructor(at: string | Date) {
    this.at = new Date(at);
  }

  now(): Date {
    return new Date(this.at);
  }

  set(at: string | Date): void {
    this.at = new Date(at);
  }
}
