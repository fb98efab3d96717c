import {
  Correspondent,
  CorrespondentChange,
  CorrespondentKind,
  CorrespondentVersion,
} from './correspondent.types.js';

/** The data fields an entry stores, by GraphQL name, with their column. */
export const DATA_COLUMNS = {
  name: 'name',
  surname: 'surname',
  denominazione: 'denominazione',
  codiceFiscale: 'codice_fiscale',
  partitaIva: 'partita_iva',
  ipaCode: 'ipa_code',
  aooCode: 'aoo_code',
  uoCode: 'uo_code',
  country: 'country',
  address: 'address',
  postalCode: 'postal_code',
  city: 'city',
  province: 'province',
  email: 'email',
  pec: 'pec',
  notes: 'notes',
} as const;

export type DataField = keyof typeof DATA_COLUMNS;
export const DATA_FIELDS = Object.keys(DATA_COLUMNS) as DataField[];
/** The editable data of an entry: every field, null when empty. */
export type CorrespondentValues = Record<DataField, string | null>;

/** The columns a page or a lookup selects. */
export const ENTRY_COLUMNS = `c.id, c.aoo_id, c.kind, c.version, c.active, c.display_name, ${Object.values(
  DATA_COLUMNS,
)
  .map((col) => `c.${col}`)
  .join(', ')}, c.created_at, c.created_by, c.updated_at, c.updated_by`;

export type Row = Record<string, unknown>;

function dataOf(row: Row): CorrespondentValues {
  const out = {} as CorrespondentValues;
  for (const f of DATA_FIELDS) out[f] = (row[DATA_COLUMNS[f]] as string | null | undefined) ?? null;
  return out;
}

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

export function entryOf(row: Row): Correspondent {
  return Object.assign(new Correspondent(), dataOf(row), {
    id: row['id'] as string,
    aooId: row['aoo_id'] as string,
    kind: row['kind'] as CorrespondentKind,
    version: Number(row['version']),
    active: row['active'] === true,
    displayName: row['display_name'] as string,
    createdAt: date(row['created_at']),
    createdById: row['created_by'] as string,
    updatedAt: date(row['updated_at']),
    updatedById: row['updated_by'] as string,
  });
}

/** A history row: the copy of the entry the database made (`data`, in column names). */
export function versionOf(row: {
  correspondent_id: string;
  version: number;
  change: string;
  at: unknown;
  actor_id: string;
  data: Row;
}): CorrespondentVersion {
  return Object.assign(new CorrespondentVersion(), dataOf(row.data), {
    correspondentId: row.correspondent_id,
    version: Number(row.version),
    change: row.change as CorrespondentChange,
    at: date(row.at),
    actorId: row.actor_id,
    kind: row.data['kind'] as CorrespondentKind,
    displayName: row.data['display_name'] as string,
    active: row.data['active'] === true,
  });
}

/** How an entry is shown and sorted. */
export function displayNameOf(kind: CorrespondentKind, v: CorrespondentValues): string {
  if (kind === CorrespondentKind.PERSONA_FISICA) return [v.surname, v.name].filter(Boolean).join(' ');
  return v.denominazione ?? '';
}
