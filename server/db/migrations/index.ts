import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000001_organisation } from './Migration20261123000001_organisation.js';
import { Migration20261123000002_audit_platform_admin } from './Migration20261123000002_audit_platform_admin.js';
import { Migration20261123000003_documents_files } from './Migration20261123000003_documents_files.js';
import { Migration20261123000004_upload_sessions } from './Migration20261123000004_upload_sessions.js';
import { Migration20261123000005_document_confidentiality } from './Migration20261123000005_document_confidentiality.js';
import { Migration20261123000006_document_uor_in_aoo } from './Migration20261123000006_document_uor_in_aoo.js';
import { Migration20261123000007_upload_commit } from './Migration20261123000007_upload_commit.js';
import { Migration20261204000008_document_kind_registered } from './Migration20261204000008_document_kind_registered.js';
import { Migration20261204000009_document_listing } from './Migration20261204000009_document_listing.js';

/** Every migration, in order. Listed explicitly so the compiled build needs no file discovery. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123000001_organisation', class: Migration20261123000001_organisation },
  {
    name: 'Migration20261123000002_audit_platform_admin',
    class: Migration20261123000002_audit_platform_admin,
  },
  { name: 'Migration20261123000003_documents_files', class: Migration20261123000003_documents_files },
  { name: 'Migration20261123000004_upload_sessions', class: Migration20261123000004_upload_sessions },
  {
    name: 'Migration20261123000005_document_confidentiality',
    class: Migration20261123000005_document_confidentiality,
  },
  { name: 'Migration20261123000006_document_uor_in_aoo', class: Migration20261123000006_document_uor_in_aoo },
  { name: 'Migration20261123000007_upload_commit', class: Migration20261123000007_upload_commit },
  {
    name: 'Migration20261204000008_document_kind_registered',
    class: Migration20261204000008_document_kind_registered,
  },
  { name: 'Migration20261204000009_document_listing', class: Migration20261204000009_document_listing },
];
