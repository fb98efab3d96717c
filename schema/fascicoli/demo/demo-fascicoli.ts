import type { UnitOfWork } from '../../../server/db/unit-of-work.js';

/** Placeholder until the titolario demo is merged. */
export async function seedDemoFascicoli(_tx: UnitOfWork): Promise<boolean> {
  return Promise.resolve(false);
}
