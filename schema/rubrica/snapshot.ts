import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../server/errors/domain-error.js';
import type { CorrespondentKind } from './correspondent.types.js';
import { entriesOfAoo } from './correspondent-store.js';
import { DATA_FIELDS, type CorrespondentValues } from './correspondent-rows.js';

/**
 * A correspondent's data as it is now, as a plain object a registration copies into its
 * registratura (DOMAIN §5): later edits of the directory never reach the copy. `version` says
 * which version of the entry was copied.
 */
export interface CorrespondentSnapshot extends CorrespondentValues {
  id: string;
  aooId: string;
  version: number;
  kind: CorrespondentKind;
  displayName: string;
  active: boolean;
}

/**
 * The snapshot of an entry of the AOO's directory (NOT_FOUND for an entry of another AOO or a
 * missing id). The caller checks its own permissions; inside its transaction the row is read as
 * committed when the statement runs, so the copy is of one consistent version.
 */
export async function correspondentSnapshot(
  tx: { em: EntityManager },
  aooId: string,
  id: string,
): Promise<CorrespondentSnapshot> {
  const [entry] = await entriesOfAoo(tx.em, aooId, [id]);
  if (!entry) throw new NotFoundError('Correspondent', id);
  const data = {} as CorrespondentValues;
  for (const f of DATA_FIELDS) data[f] = entry[f];
  return {
    ...data,
    id: entry.id,
    aooId: entry.aooId,
    version: entry.version,
    kind: entry.kind,
    displayName: entry.displayName,
    active: entry.active,
  };
}
