import { Migration } from '@mikro-orm/migrations';

/**
 * Conservation packages (pacchetti di versamento, DOMAIN §9) and their items, one per document
 * (unità documentaria). A package's SIP and descriptors, once built, never change; an item's
 * outcome arrives once (orange → green or red) and is final; a document is conserved at most
 * once and is in at most one package waiting for the conservator; nothing is ever deleted.
 */
export class Migration20261207000100_conservazione extends Migration {
  override up(): void {
    this.addSql(`
      create table conservation_package (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        kind varchar(20) not null check (kind in ('DAILY_REGISTER', 'FASCICOLO', 'SERIES')),
        label varchar(300) not null check (length(label) > 0),
        colour varchar(10) not null default 'ORANGE' check (colour in ('ORANGE', 'GREEN', 'RED')),
        colour_changed_at timestamptz not null,
        fascicolo_id uuid null references fascicolo (id),
        daily_register_id uuid null references daily_register (id),
        -- A red package is corrected and resent once, as a new package naming it.
        resent_from_id uuid null unique references conservation_package (id),
        created_by uuid null references app_user (id),
        created_at timestamptz not null,
        sip_blob_key varchar(200) null,
        sip_sha256 char(64) null check (sip_sha256 ~ '^[0-9a-f]{64}$'),
        sip_size bigint null check (sip_size > 0),
        pindex_blob_key varchar(200) null,
        pindex_sha256 char(64) null check (pindex_sha256 ~ '^[0-9a-f]{64}$'),
        built_at timestamptz null,
        attempts int not null default 0 check (attempts >= 0),
        last_attempt_at timestamptz null,
        last_error varchar(2000) null,
        check (kind <> 'FASCICOLO' or fascicolo_id is not null),
        check (kind <> 'DAILY_REGISTER' or daily_register_id is not null),
        check ((built_at is null) = (sip_blob_key is null) and (built_at is null) = (sip_sha256 is null)
          and (built_at is null) = (pindex_blob_key is null) and (built_at is null) = (pindex_sha256 is null))
      );
      create index conservation_package_aoo on conservation_package (aoo_id, created_at desc, id);
      create index conservation_package_colour on conservation_package (aoo_id, colour);
      create index conservation_package_fascicolo on conservation_package (fascicolo_id) where fascicolo_id is not null;
      create index conservation_package_register on conservation_package (daily_register_id)
        where daily_register_id is not null;

      create table conservation_item (
        id uuid primary key,
        package_id uuid not null references conservation_package (id),
        aoo_id uuid not null references aoo (id),
        document_id uuid not null references document (id),
        daily_register_id uuid null references daily_register (id),
        -- The fascicolo the document is filed in (the package's tree), for the state per fascicolo.
        fascicolo_id uuid null references fascicolo (id),
        position int not null check (position >= 0),
        -- The key at the conservator (ParER Chiave), set when the SIP is built.
        registro varchar(100) null,
        anno int null,
        numero varchar(100) null,
        descriptor_blob_key varchar(200) null,
        descriptor_sha256 char(64) null check (descriptor_sha256 ~ '^[0-9a-f]{64}$'),
        colour varchar(10) not null default 'ORANGE' check (colour in ('ORANGE', 'GREEN', 'RED')),
        -- Sends whose answer may have been lost: a retry asks the conservator first.
        sent_count int not null default 0 check (sent_count >= 0),
        last_sent_at timestamptz null,
        outcome_code varchar(100) null,
        reasons jsonb not null default '[]'::jsonb check (jsonb_typeof(reasons) = 'array'),
        rapporto_blob_key varchar(200) null,
        rapporto_sha256 char(64) null check (rapporto_sha256 ~ '^[0-9a-f]{64}$'),
        conservator_id varchar(300) null,
        already_conserved boolean not null default false,
        outcome_at timestamptz null,
        unique (package_id, document_id),
        unique (package_id, position),
        check ((registro is null) = (anno is null) and (registro is null) = (numero is null)),
        check (colour <> 'GREEN' or (rapporto_blob_key is not null and rapporto_sha256 is not null
          and outcome_at is not null)),
        check (colour <> 'RED' or (outcome_at is not null and jsonb_array_length(reasons) > 0)),
        check (colour <> 'ORANGE' or outcome_at is null)
      );
      -- A document is conserved once, and waits in one package at a time.
      create unique index conservation_item_conserved_once on conservation_item (document_id) where colour = 'GREEN';
      create unique index conservation_item_one_in_flight on conservation_item (document_id) where colour = 'ORANGE';
      create index conservation_item_package on conservation_item (package_id, position);
      create index conservation_item_document on conservation_item (document_id);
      create index conservation_item_fascicolo on conservation_item (fascicolo_id) where fascicolo_id is not null;

      create function conservation_package_guard() returns trigger language plpgsql as $$
      begin
        if tg_op in ('DELETE', 'TRUNCATE') then
          raise exception 'conservation packages are never deleted' using errcode = '55000';
        end if;
        if (new.id, new.aoo_id, new.kind, new.label, new.fascicolo_id, new.daily_register_id,
            new.resent_from_id, new.created_by, new.created_at)
           is distinct from (old.id, old.aoo_id, old.kind, old.label, old.fascicolo_id,
            old.daily_register_id, old.resent_from_id, old.created_by, old.created_at) then
          raise exception 'conservation package %: what it transfers never changes', old.id using errcode = '55000';
        end if;
        if old.built_at is not null and (new.sip_blob_key, new.sip_sha256, new.sip_size, new.pindex_blob_key,
            new.pindex_sha256, new.built_at) is distinct from (old.sip_blob_key, old.sip_sha256, old.sip_size,
            old.pindex_blob_key, old.pindex_sha256, old.built_at) then
          raise exception 'conservation package %: its SIP is stored and immutable', old.id using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger conservation_package_guard before update or delete on conservation_package
        for each row execute function conservation_package_guard();
      create trigger conservation_package_no_truncate before truncate on conservation_package
        for each statement execute function conservation_package_guard();

      create function conservation_item_guard() returns trigger language plpgsql as $$
      begin
        if tg_op in ('DELETE', 'TRUNCATE') then
          raise exception 'conservation items are never deleted' using errcode = '55000';
        end if;
        if (new.id, new.package_id, new.aoo_id, new.document_id, new.daily_register_id, new.fascicolo_id,
            new.position) is distinct from (old.id, old.package_id, old.aoo_id, old.document_id,
            old.daily_register_id, old.fascicolo_id, old.position) then
          raise exception 'conservation item %: what it transfers never changes', old.id using errcode = '55000';
        end if;
        if old.registro is not null and (new.registro, new.anno, new.numero, new.descriptor_blob_key,
            new.descriptor_sha256) is distinct from (old.registro, old.anno, old.numero,
            old.descriptor_blob_key, old.descriptor_sha256) then
          raise exception 'conservation item %: its key and descriptor are stored and immutable', old.id
            using errcode = '55000';
        end if;
        if old.colour <> 'ORANGE' and to_jsonb(new) <> to_jsonb(old) then
          raise exception 'conservation item %: its outcome (%) is final', old.id, old.colour using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger conservation_item_guard before update or delete on conservation_item
        for each row execute function conservation_item_guard();
      create trigger conservation_item_no_truncate before truncate on conservation_item
        for each statement execute function conservation_item_guard();
    `);
  }
}
