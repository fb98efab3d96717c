import { Migration } from '@mikro-orm/migrations';

/**
 * Files (content-addressed by SHA-256) and documents (a primary file plus ordered attachments).
 * Once a document is registered its files can never change: enforced here as well as in code.
 */
export class Migration20261123000003_documents_files extends Migration {
  override up(): void {
    this.addSql(`
      -- Secrets every replica must share (e.g. the key that signs download links), made once.
      create table platform_secret (
        name varchar(64) primary key,
        value bytea not null,
        created_at timestamptz not null default now()
      );

      create table stored_file (
        id uuid primary key,
        sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint not null check (size >= 0),
        blob_key varchar(80) not null check (blob_key = 'sha256/' || substr(sha256, 1, 2) || '/' || substr(sha256, 3, 2) || '/' || sha256),
        media_type varchar(255) not null,
        declared_media_type varchar(255) null,
        original_name varchar(255) not null check (length(original_name) > 0),
        format varchar(16) not null,
        format_accepted boolean not null,
        pdfa_part varchar(8) null,
        signature_kind varchar(8) not null,
        signature_status varchar(40) not null,
        signature_detail jsonb not null default '{}'::jsonb,
        uploaded_by uuid not null references app_user (id),
        uploaded_at timestamptz not null default now()
      );
      create index stored_file_sha256_idx on stored_file (sha256);
      create index stored_file_uploader_idx on stored_file (uploaded_by, uploaded_at desc);

      create table document (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        uor_id uuid not null references uor (id),
        kind varchar(20) not null check (kind in ('PROTOCOLLATO', 'REPERTORIATO', 'NON_PROTOCOLLATO')),
        oggetto varchar(2000) not null check (length(trim(oggetto)) > 0),
        created_by uuid not null references app_user (id),
        created_at timestamptz not null default now(),
        registered_at timestamptz null
      );
      create index document_aoo_uor_idx on document (aoo_id, uor_id);

      create table document_file (
        id uuid primary key,
        document_id uuid not null references document (id),
        file_id uuid not null references stored_file (id),
        position int not null check (position >= 0),
        version int not null check (version >= 1),
        description varchar(1000) null,
        created_by uuid not null references app_user (id),
        created_at timestamptz not null default now(),
        superseded_at timestamptz null,
        constraint document_file_version_unique unique (document_id, position, version)
      );
      create unique index document_file_current_unique on document_file (document_id, position) where superseded_at is null;
      create index document_file_file_idx on document_file (file_id);

      -- What a file is never changes; only its signature outcome may be re-verified.
      create function stored_file_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'stored files are never deleted' using errcode = '55000';
        end if;
        if (new.sha256, new.size, new.blob_key, new.original_name, new.uploaded_by, new.uploaded_at)
           is distinct from (old.sha256, old.size, old.blob_key, old.original_name, old.uploaded_by, old.uploaded_at) then
          raise exception 'the identity of a stored file (digest, size, name, uploader) is immutable' using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger stored_file_immutable before update or delete on stored_file
        for each row execute function stored_file_immutable();

      -- A registered document keeps its files, oggetto and AOO forever (001 §6.1.1).
      create function document_registered_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'documents are never deleted' using errcode = '55000';
        end if;
        if old.registered_at is not null and
           (new.registered_at, new.oggetto, new.aoo_id, new.kind) is distinct from (old.registered_at, old.oggetto, old.aoo_id, old.kind) then
          raise exception 'document % is registered: its registration data is immutable', old.id using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger document_registered_immutable before update or delete on document
        for each row execute function document_registered_immutable();

      create function document_file_frozen() returns trigger language plpgsql as $$
      declare
        doc uuid := case when tg_op = 'INSERT' then new.document_id else old.document_id end;
      begin
        if tg_op = 'DELETE' then
          raise exception 'document files are never deleted (they are superseded)' using errcode = '55000';
        end if;
        if exists (select 1 from document where id = doc and registered_at is not null) then
          raise exception 'document % is registered: its files are immutable', doc using errcode = '55000';
        end if;
        if tg_op = 'UPDATE' and (new.file_id, new.document_id, new.position, new.version)
           is distinct from (old.file_id, old.document_id, old.position, old.version) then
          raise exception 'a document file version is never rewritten; add a new version' using errcode = '55000';
        end if;
        return coalesce(new, old);
      end $$;
      create trigger document_file_frozen before insert or update or delete on document_file
        for each row execute function document_file_frozen();
    `);
  }

  override down(): void {
    this.addSql(`
      drop table document_file; drop table document; drop table stored_file; drop table platform_secret;
      drop function document_file_frozen(); drop function document_registered_immutable(); drop function stored_file_immutable();
    `);
  }
}
