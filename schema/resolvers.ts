import type { NonEmptyArray } from 'type-graphql';
import {
  DocumentFieldsResolver,
  DocumentFileFieldsResolver,
  StoredFileFieldsResolver,
} from './documents/document-fields.resolver.js';
import { DocumentResolver } from './documents/document.resolver.js';
import { FileResolver } from './documents/file.resolver.js';
import { UploadResolver } from './documents/upload.resolver.js';
import { MeResolver } from './organisation/me.resolver.js';
import {
  AdministrationFieldsResolver,
  AooFieldsResolver,
  MembershipFieldsResolver,
  UorFieldsResolver,
  UserFieldsResolver,
} from './organisation/org-fields.resolver.js';
import { OrganisationResolver } from './organisation/organisation.resolver.js';
import { UserAdminResolver } from './organisation/user-admin.resolver.js';
import { SystemResolver } from './system/system.resolver.js';

/** Every resolver of the core modules; plugins contribute theirs through the plugin contract. */
export const coreResolvers: NonEmptyArray<Function> = [
  SystemResolver,
  MeResolver,
  OrganisationResolver,
  UserAdminResolver,
  AdministrationFieldsResolver,
  AooFieldsResolver,
  UorFieldsResolver,
  UserFieldsResolver,
  MembershipFieldsResolver,
  DocumentResolver,
  FileResolver,
  UploadResolver,
  DocumentFieldsResolver,
  DocumentFileFieldsResolver,
  StoredFileFieldsResolver,
];
