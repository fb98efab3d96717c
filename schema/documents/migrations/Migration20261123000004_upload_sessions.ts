import { Migration } from '@mikro-orm/migrations';

/** Direct-to-storage uploads (presigned PUT, then commit), tracked until committed or expired. */
export class Migration20261123000004_upload_sessions extends Migration {
  override up(): void {
    this.addSql(`
      create table upload_session (
        id uuid primary key,
        temp_key varchar(64) not null unique,
        created_by uuid not null references app_user (id),
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        file_name varchar(255) not null,
        media_type varchar(255) null,
        size bigint not null check (size >= 0),
        sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
        state varchar(12) not null default 'OPEN' check (state in ('OPEN', 'COMMITTED', 'FAILED', 'EXPIRED')),
        file_id uuid null references stored_file (id),
        constraint upload_session_committed_has_file check ((state = 'COMMITTED') = (file_id is not null))
      );
      create index upload_session_open_idx on upload_session (expires_at) where state = 'OPEN';
    `);
  }

  override down(): void {
    this.addSql('drop table upload_session;');
  }
}
