import type { UnitOfWork } from '../../server/db/unit-of-work.js';
import { directSql } from '../../server/db/direct-sql.js';
import { NotFoundError } from '../../server/errors/domain-error.js';
import { isUuid } from '../../server/errors/input-checks.js';
import { type Document, documentVisibilitySql, type StoredFile } from '../documents/index.js';
import { documentClassificationSql, primaryFilingSql } from '../fascicoli/index.js';
import { preparedSealSql } from '../segnatura/index.js';

/**
 * What a registration uses of its document: plain values, not an entity (hydrating one, with its
 * references, into the transaction's identity map cost more than the statement that read it, and
 * every flush then compared it again).
 */
export interface RegisteredDocument extends Pick<Document, 'id' | 'particolare'> {
  aoo: { id: string };
  uor: { id: string };
}

/** What a registration uses of a stored file it binds (plain values, as for the document). */
export type BoundFile = Pick<StoredFile, 'id' | 'sha256' | 'originalName' | 'mediaType' | 'signatureStatus'>;

/** A current slot of the document, with its stored file. */
export interface BoundSlot {
  position: number;
  description: string | null;
  file: BoundFile;
}

/** What a registration reads of its document before it takes a number. */
export interface RegistrationReads {
  /** The document, visible to the caller (NOT_FOUND otherwise, hidden or missing alike). */
  doc: RegisteredDocument;
  /** Whether a protocol record of the document exists. */
  registered: boolean;
  /** Its current slots in position order, with their stored files. */
  slots: BoundSlot[];
  /** Where it is filed as primary now (fascicoli module), or null. */
  primaryFiling: { fascicoloId: string; classificationId: string } | null;
  /** The node it is classified on as a document non protocollato (fascicoli module), or null. */
  classificationId: string | null;
  /** Its AOO's seal and the facts its segnatura names (segnatura module's `preparedSealSql`). */
  preparedSeal: unknown;
}

interface Row {
  id: string;
  aoo_id: string;
  uor_id: string;
  particolare: boolean;
  registered: boolean;
  primary_filing: { fascicoloId: string; classificationId: string } | null;
  classification_id: string | null;
  slots: BoundSlot[];
  prepared_seal: unknown;
}

/**
 * Everything a registration reads of its document before the number, in ONE statement where it
 * took seven (visibility, the document, whether it is registered with its slots and files, its
 * primary filing, its classification, its AOO's seal): each costs the server a round trip and the database a
 * statement. The visibility rule is the documents module's, in the WHERE clause: a hidden
 * document costs what a missing one does.
 */
export async function readForRegistration(tx: UnitOfWork, documentId: string): Promise<RegistrationReads> {
  if (!isUuid(documentId) || tx.user === null) throw new NotFoundError('Document', documentId);
  const visible = documentVisibilitySql(tx);
  const [row] = await directSql<Row>(
    tx.em,
    `select d.id, d.aoo_id, d.uor_id, d.particolare,
            exists (select 1 from protocol_record p where p.document_id = d.id) as registered,
            ${primaryFilingSql('d.id')} as primary_filing,
            ${documentClassificationSql('d.id')} as classification_id,
            coalesce((select json_agg(json_build_object(
                               'position', df.position, 'description', df.description,
                               'file', json_build_object('id', sf.id, 'sha256', sf.sha256, 'originalName', sf.original_name,
                                                         'mediaType', sf.media_type, 'signatureStatus', sf.signature_status))
                               order by df.position)
                        from document_file df join stored_file sf on sf.id = df.file_id
                       where df.document_id = d.id and df.superseded_at is null), '[]'::json) as slots,
            ${preparedSealSql('d.aoo_id')} as prepared_seal
       from document d
      where d.id = ? and ${visible.sql}`,
    [documentId, ...visible.params],
  );
  if (!row) throw new NotFoundError('Document', documentId);
  return {
    doc: { id: row.id, aoo: { id: row.aoo_id }, uor: { id: row.uor_id }, particolare: row.particolare },
    registered: row.registered,
    slots: row.slots,
    primaryFiling: row.primary_filing,
    classificationId: row.classification_id,
    preparedSeal: row.prepared_seal,
  };
}
