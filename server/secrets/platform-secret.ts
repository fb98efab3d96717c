import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A secret shared by every replica, generated once and kept in the database (so a
 * deployment needs no extra configuration and all replicas agree).
 */
export async function platformSecret(em: EntityManager, name: string): Promise<Buffer> {
  await em.execute(`insert into platform_secret (name, value) values (?, ?) on conflict (name) do nothing`, [
    name,
    randomBytes(32),
  ]);
  const rows = await em.execute<Array<{ value: Buffer }>>(
    `select value from platform_secret where name = ?`,
    [name],
  );
  const value = rows[0]?.value;
  if (!value) throw new Error(`platform secret ${name} missing`);
  return value;
}
