import type { Readable } from 'node:stream';
import {
  CloseFascicoloDocument,
  OpenFascicoloDocument,
  OpenSottofascicoloDocument,
} from '../../clients/sdk/generated/graphql.js';
import type { StoredBlob } from '../../server/blob/blob-store.js';
import { sql, type DemoIds } from './files-helpers.js';
import type { TestEnv } from './test-env.js';

/** A closed fascicolo with two sottofascicoli and an inserto under the first, documents in each. */
export interface SipTree {
  id: string;
  /** [sottofascicolo 1, sottofascicolo 2, inserto under 1]. */
  subs: string[];
  /** Creation order (the registration order of documents non protocollati). */
  documentIds: string[];
}

/**
 * Documents non protocollati of a UOR with real blobs (`bytesOf(i)` streamed into the blob
 * store, name `nota.txt`), created in the database in one statement (uploading each would cost
 * seconds), one second apart, filed as primary round-robin in `fascicoloIds` (rows of the
 * fascicoli module's history table, as its fileDocument writes them).
 */
export async function filedDocuments(
  env: TestEnv,
  n: number,
  uorId: string,
  fascicoloIds: readonly string[],
  bytesOf: (i: number) => Readable,
): Promise<string[]> {
  const stored: StoredBlob[] = [];
  for (let i = 0; i < n; i++) stored.push(await env.platform.blobs.put(bytesOf(i)));
  const rows = await sql<{ id: string }>(
    env,
    `with input as (
       select ord, k, h, s from unnest($1::text[], $2::text[], $3::bigint[]) with ordinality as t(k, h, s, ord)),
     docs as (
       insert into document (id, aoo_id, uor_id, kind, oggetto, created_by, created_at)
       select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Nota istruttoria n. ' || i.ord,
              (select id from app_user where username = 'rpa.tecnico'), now() + i.ord * interval '1 second'
         from uor u, input i where u.id = $4 order by i.ord returning id, created_by, created_at),
     numbered as (select d.*, row_number() over (order by created_at) as ord from docs d),
     files as (
       insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                signature_kind, signature_status, uploaded_by)
       select gen_random_uuid(), i.h, i.s, i.k, 'text/plain', 'nota.txt', 'TXT', true, 'NONE', 'FIRMA_MANCANTE',
              n.created_by
         from numbered n join input i on i.ord = n.ord returning id, sha256),
     linked as (
       insert into document_file (id, document_id, file_id, position, version, description, created_by)
       select gen_random_uuid(), n.id, f.id, 0, 1, null, n.created_by
         from numbered n join input i on i.ord = n.ord join files f on f.sha256 = i.h returning document_id)
     select n.id from numbered n order by n.ord`,
    [stored.map((b) => b.key), stored.map((b) => b.sha256), stored.map((b) => b.size), uorId],
  );
  const documentIds = rows.map((r) => r.id);
  await sql(
    env,
    `insert into fascicolo_filing (fascicolo_id, document_id, action, is_primary, at, actor_id)
     select ($2::uuid[])[1 + (t.ord - 1) % array_length($2::uuid[], 1)], t.id, 'FILE', true, now(), null
       from unnest($1::uuid[]) with ordinality as t(id, ord)`,
    [documentIds, fascicoloIds],
  );
  return documentIds;
}

/**
 * A fascicolo of rpa.tecnico (TEC) on `classificationId` with two sottofascicoli and an inserto,
 * opened and closed through GraphQL, `n` documents filed across the four.
 */
export async function closedSipTree(
  env: TestEnv,
  ids: DemoIds,
  classificationId: string,
  n: number,
  bytesOf: (i: number) => Readable,
): Promise<SipTree> {
  const rpa = await env.asUser('rpa.tecnico');
  const top = (
    await rpa.data(OpenFascicoloDocument, {
      input: {
        classificationId,
        kind: 'PROCEDIMENTO_AMMINISTRATIVO',
        oggetto: 'Permesso di costruire - via Roma 1',
        uorId: ids.uor['TEC'] ?? '',
        rpaId: ids.user['rpa.tecnico'] ?? '',
        participatingAdministrations: ['Soprintendenza ABAP', 'ASL Roma 1'],
      },
    })
  ).openFascicolo;
  const sub = async (parentId: string, oggetto: string) =>
    (await rpa.data(OpenSottofascicoloDocument, { input: { parentId, oggetto } })).openSottofascicolo.id;
  const s1 = await sub(top.id, 'Progetto');
  const s2 = await sub(top.id, 'Collaudo');
  const i1 = await sub(s1, 'Varianti');
  const documentIds = await filedDocuments(env, n, ids.uor['TEC'] ?? '', [top.id, s1, s2, i1], bytesOf);
  for (const id of [i1, s1, s2, top.id]) await rpa.data(CloseFascicoloDocument, { id });
  return { id: top.id, subs: [s1, s2, i1], documentIds };
}
