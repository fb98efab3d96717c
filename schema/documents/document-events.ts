import { DomainEvent } from '../../server/events/domain-event.js';

/** Where a document sits: enough for a subscriber's replica to check visibility per event. */
interface DocumentRef {
  documentId: string;
  aooId: string;
  uorId: string;
}

/** A draft document was created (createDocument). */
export class DocumentCreated extends DomainEvent<DocumentRef> {
  static override readonly topic = 'documents.created';
}

/** A file became an attachment of a document (addAttachment, or createDocument's files). */
export class DocumentFileAttached extends DomainEvent<DocumentRef & { fileId: string; position: number }> {
  static override readonly topic = 'documents.file-attached';
}

/** A new version replaced the file at a position (replaceFile). */
export class DocumentFileReplaced extends DomainEvent<
  DocumentRef & { fileId: string; position: number; version: number }
> {
  static override readonly topic = 'documents.file-replaced';
}

export const DOCUMENT_EVENTS = [DocumentCreated, DocumentFileAttached, DocumentFileReplaced];
