import { defineModule } from '../../server/modules/module.js';
import { seedDemoDocuments } from './demo/demo-documents.js';
import { DocumentAccess } from './document-access.entity.js';
import { DOCUMENT_EVENTS } from './document-events.js';
import {
  DocumentFieldsResolver,
  DocumentFileFieldsResolver,
  StoredFileFieldsResolver,
} from './document-fields.resolver.js';
import { DocumentFile } from './document-file.entity.js';
import { Document } from './document.entity.js';
import { DocumentResolver } from './document.resolver.js';
import { DocumentEventsResolver } from './document-events.resolver.js';
import { DOCUMENT_ERROR_CODES } from './documents.errors.js';
import { FileResolver } from './file.resolver.js';
import { fileRoutes } from './file.routes.js';
import { DOCUMENT_JOBS } from './jobs.js';
import { Migration20261123000003_documents_files } from './migrations/Migration20261123000003_documents_files.js';
import { Migration20261123000004_upload_sessions } from './migrations/Migration20261123000004_upload_sessions.js';
import { Migration20261123000005_document_confidentiality } from './migrations/Migration20261123000005_document_confidentiality.js';
import { Migration20261123000006_document_uor_in_aoo } from './migrations/Migration20261123000006_document_uor_in_aoo.js';
import { Migration20261123000007_upload_commit } from './migrations/Migration20261123000007_upload_commit.js';
import { Migration20261204000008_document_kind_registered } from './migrations/Migration20261204000008_document_kind_registered.js';
import { Migration20261205000010_document_share } from './migrations/Migration20261205000010_document_share.js';
import { Migration20261204000009_document_listing } from './migrations/Migration20261204000009_document_listing.js';
import { DOCUMENT_PERMISSIONS } from './permissions.js';
import { StoredFile } from './stored-file.entity.js';
import { UploadSession } from './upload-session.entity.js';
import { UploadResolver } from './upload.resolver.js';

/**
 * Stored files (bytes in the blob store, format and signatures inspected), draft documents with
 * their attachments and versions, who may see them (riservato, particolare), uploads and
 * downloads over plain HTTP.
 */
export const documentsModule = defineModule({
  name: 'documents',
  entities: [StoredFile, Document, DocumentFile, UploadSession, DocumentAccess],
  migrations: [
    { name: 'Migration20261123000003_documents_files', class: Migration20261123000003_documents_files },
    { name: 'Migration20261123000004_upload_sessions', class: Migration20261123000004_upload_sessions },
    {
      name: 'Migration20261123000005_document_confidentiality',
      class: Migration20261123000005_document_confidentiality,
    },
    {
      name: 'Migration20261123000006_document_uor_in_aoo',
      class: Migration20261123000006_document_uor_in_aoo,
    },
    { name: 'Migration20261123000007_upload_commit', class: Migration20261123000007_upload_commit },
    {
      name: 'Migration20261204000008_document_kind_registered',
      class: Migration20261204000008_document_kind_registered,
    },
    { name: 'Migration20261204000009_document_listing', class: Migration20261204000009_document_listing },
    { name: 'Migration20261205000010_document_share', class: Migration20261205000010_document_share },
  ],
  resolvers: [
    DocumentResolver,
    DocumentEventsResolver,
    FileResolver,
    UploadResolver,
    DocumentFieldsResolver,
    DocumentFileFieldsResolver,
    StoredFileFieldsResolver,
  ],
  routes: [fileRoutes],
  jobs: DOCUMENT_JOBS,
  permissions: DOCUMENT_PERMISSIONS,
  errorCodes: DOCUMENT_ERROR_CODES,
  events: DOCUMENT_EVENTS,
  seedDemo: seedDemoDocuments,
});

// What other modules may use.
export { Document, DocumentFile, StoredFile };
export { DocumentCreated, DocumentFileAttached, DocumentFileReplaced } from './document-events.js';
export {
  DOCUMENT_CREATE,
  PROTOCOL_PARTICOLARE,
  PROTOCOL_READ,
  PROTOCOL_READ_PERSONAL_DATA,
  PROTOCOL_READ_RESERVED,
} from './permissions.js';
export { DEMO_DOCUMENTS } from './demo/demo-documents.js';
export { createDemoDraft, type DemoDraft } from './demo/demo-draft.js';
export { DocumentKind, SignatureStatus } from './document-enums.js';
export { documentVisibilitySql, visibleDocumentIds } from './document-visibility.js';
export { involveInDocument } from './document-involvement.js';
export { documentPage } from './document-list.js';
export { findVisibleDocument } from './document.service.js';
export {
  isProtocollatoLocked,
  markProtocollato,
  markProtocollatoSql,
  markRepertoriato,
} from './document-registration.js';
// Row visibility and the page type, for modules that list documents (raccoglitori, fascicoli).
export { DocumentConnection } from './document-list.types.js';
// Documents the platform produces itself (the daily register).
export {
  addSystemFiles,
  createSystemDocument,
  type SystemDocumentInput,
  type SystemFileInput,
} from './system-document.js';
export { DocumentFormat } from './document-enums.js';
// Modules that keep blobs of their own (blobReferences) write their rows under this lock.
export { blobLockKey } from './blob-lock.js';
