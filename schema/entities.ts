import { Document } from './documents/document.entity.js';
import { DocumentAccess } from './documents/document-access.entity.js';
import { DocumentFile } from './documents/document-file.entity.js';
import { StoredFile } from './documents/stored-file.entity.js';
import { UploadSession } from './documents/upload-session.entity.js';
import { Administration } from './organisation/administration.entity.js';
import { Aoo } from './organisation/aoo.entity.js';
import { Membership } from './organisation/membership.entity.js';
import { Uor } from './organisation/uor.entity.js';
import { User } from './organisation/user.entity.js';

/** Every entity of the core modules; plugins contribute theirs through the plugin contract. */
export const coreEntities = [
  Administration,
  Aoo,
  Uor,
  User,
  Membership,
  StoredFile,
  Document,
  DocumentFile,
  UploadSession,
  DocumentAccess,
];
