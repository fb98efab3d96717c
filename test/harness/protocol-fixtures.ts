import type { TestEnv } from './test-env.js';
import { sql } from './files-helpers.js';

/**
 * Draft documents with a primary file, created straight in the database (uploading each would
 * cost the test seconds): `n` documents of the office, by `creator`, ready to register.
 */
export async function draftDocuments(
  env: TestEnv,
  uorId: string,
  n: number,
  creator: string,
): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    env,
    `with docs as (
       insert into document (id, aoo_id, uor_id, kind, oggetto, created_by)
       select gen_random_uuid(), u.aoo_id, u.id, 'NON_PROTOCOLLATO', 'Istanza n. ' || g,
              (select id from app_user where username = $3)
         from uor u, generate_series(1, $2::int) g where u.id = $1 returning id, created_by),
     files as (
       insert into stored_file (id, sha256, size, blob_key, media_type, original_name, format, format_accepted,
                                signature_kind, signature_status, uploaded_by)
       select gen_random_uuid(), h, 10, 'sha256/' || substr(h, 1, 2) || '/' || substr(h, 3, 2) || '/' || h,
              'application/pdf', 'atto.pdf', 'PDF', true, 'NONE', 'FIRMA_MANCANTE', created_by
         from (select encode(sha256(d.id::text::bytea), 'hex') as h, created_by from docs d) s
       returning id, sha256)
     insert into document_file (id, document_id, file_id, position, version, description, created_by)
     select gen_random_uuid(), d.id, f.id, 0, 1, null, d.created_by
       from docs d join files f on f.sha256 = encode(sha256(d.id::text::bytea), 'hex')
     returning document_id as id`,
    [uorId, n, creator],
  );
  return rows.map((r) => r.id);
}
