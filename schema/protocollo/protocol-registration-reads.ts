import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { directSql } from '../../server/db/direct-sql.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { Document, documentVisibilitySql, StoredFile } from '../documents/index.js';
import { documentClassificationSql, primaryFilingSql } from '../fascicoli/index.js';

/** A current slot of the document, with its stored file. */
export interface BoundSlot {
  position: number;
  description: string | null;
  file: StoredFile;
}

/** What a registration reads of its document before it takes a number. */
export interface RegistrationReads {
  /** The document, visible to the caller (NOT_FOUND otherwise, hidden or missing alike). */
  doc: Document;
  /** Whether a protocol record of the document exists. */
  registered: boolean;
  /** Its current slots in position order, with their stored files. */
  slots: BoundSlot[];
  /** Where it is filed as primary now (fascicoli module), or null. */
  primaryFiling: { fascicoloId: string; classificationId: string } | null;
  /** The node it is classified on as a document non protocollato (fascicoli module), or null. */
  classificationId: string | null;
}

interface Row {
  document_row: Record<string, unknown>;
  registered: boolean;
  primary_filing: { fascicoloId: string; classificationId: string } | null;
  classification_id: string | null;
  slots: Array<{ position: number; description: string | null; file: Record<string, unknown> }>;
}

/**
 * Everything a registration reads of its document before the number, in ONE statement where it
 * took six (visibility, the document, whether it is registered with its slots and files, its
 * primary filing, its classification): each costs the server a round trip and the database a
 * statement. The visibility rule is the documents module's, in the WHERE clause: a hidden
 * document costs what a missing one does. The rows come back as JSON and are hydrated here.
 */
export async function readForRegistration(tx: UnitOfWork, documentId: string): Promise<RegistrationReads> {
  if (!isUuid(documentId) || tx.user === null) throw new NotFoundError('Document', documentId);
  const visible = documentVisibilitySql(tx);
  const [row] = await directSql<Row>(
    tx.em,
    `select to_jsonb(d) as document_row,
            exists (select 1 from protocol_record p where p.document_id = d.id) as registered,
            ${primaryFilingSql('d.id')} as primary_filing,
            ${documentClassificationSql('d.id')} as classification_id,
            coalesce((select json_agg(json_build_object('position', df.position, 'description', df.description,
                                                        'file', to_jsonb(sf)) order by df.position)
                        from document_file df join stored_file sf on sf.id = df.file_id
                       where df.document_id = d.id and df.superseded_at is null), '[]'::json) as slots
       from document d
      where d.id = ? and ${visible.sql}`,
    [documentId, ...visible.params],
  );
  if (!row) throw new NotFoundError('Document', documentId);
  return {
    doc: tx.em.map(Document, row.document_row),
    registered: row.registered,
    slots: row.slots.map((s) => ({
      position: s.position,
      description: s.description,
      file: tx.em.map(StoredFile, s.file),
    })),
    primaryFiling: row.primary_filing,
    classificationId: row.classification_id,
  };
}
