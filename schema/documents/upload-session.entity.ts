import { randomUUID } from 'node:crypto';
import {
  BigIntType,
  Entity,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Rel,
} from '@mikro-orm/core';
import { User } from '../organisation/index.js';
import { StoredFile } from './stored-file.entity.js';

/** COMMITTING: one commit has claimed the session and is verifying and recording its bytes. */
export type UploadSessionState = 'OPEN' | 'COMMITTING' | 'COMMITTED' | 'FAILED' | 'EXPIRED';

/** A presigned direct upload: what the client promised (size, digest) until it is committed. */
@Entity({ tableName: 'upload_session' })
export class UploadSession {
  [OptionalProps]?: 'state' | 'file' | 'mediaType' | 'tempKey';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ length: 64 })
  tempKey: string = `uploads/${this.id}`;

  @ManyToOne(() => User, { fieldName: 'created_by' })
  createdBy!: Rel<User>;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ length: 255 })
  fileName!: string;

  @Property({ length: 255, nullable: true })
  mediaType: string | null = null;

  @Property({ type: new BigIntType('number') })
  size!: number;

  @Property({ length: 64, columnType: 'char(64)' })
  sha256!: string;

  @Property({ length: 12 })
  state: UploadSessionState = 'OPEN';

  @ManyToOne(() => StoredFile, { nullable: true })
  file: Rel<StoredFile> | null = null;
}
