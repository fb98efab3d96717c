import { Migration } from '@mikro-orm/migrations';

/**
 * The protocol register (DOMAIN §5). A registration is legal evidence ("fede privilegiata"), so
 * the database itself keeps the registratura (001 §6.1.1): number, year, date and time, kind,
 * correspondents, oggetto, the digests of the primary document and of the attachments, their
 * number and descriptions never change and nothing is ever deleted; only the managed fields
 * (UOR, RPA, classification, fascicolo, optional fields) change, each change a version row;
 * corrections are append-only annotations; an annulment happens once and stays.
 */
export class Migration20261205000061_protocollo extends Migration {
  override up(): void {
    this.addSql(`
      create table protocol_record (
        id uuid primary key,
        aoo_id uuid not null references aoo (id),
        document_id uuid not null references document (id) on delete restrict,
        kind varchar(10) not null check (kind in ('ARRIVO', 'PARTENZA', 'INTERNO')),
        number integer not null check (number >= 1),
        year integer not null check (year between 1900 and 9999),
        date date not null,
        registered_at timestamptz not null,
        registered_by uuid not null references app_user (id),
        oggetto varchar(2000) not null check (length(btrim(oggetto)) > 0),
        primary_sha256 char(64) not null check (primary_sha256 ~ '^[0-9a-f]{64}$'),
        attachment_count integer not null check (attachment_count >= 0),
        -- Managed fields: they change, each change a protocol_version row.
        uor_id uuid not null references uor (id),
        rpa_id uuid null references app_user (id),
        classification_id uuid null references titolario_node (id),
        fascicolo_id uuid null,
        document_type varchar(200) null,
        means_of_transmission varchar(40) null,
        version integer not null default 1 check (version >= 1),
        state varchar(12) not null default 'REGISTRATO' check (state in ('REGISTRATO', 'ANNULLATO')),
        annulled_at timestamptz null,
        annulled_by uuid null references app_user (id),
        annulment_reason varchar(2000) null,
        annulment_authorisation varchar(500) null,
        -- Set by the PEC plugin when an outgoing record leaves by PEC: it can no longer be annulled.
        sent_by_pec boolean not null default false,
        sent_by_pec_at timestamptz null,
        -- The registering transaction: correspondents and files are bound in it, never later.
        registered_txid bigint not null default txid_current(),
        constraint protocol_record_number_unique unique (aoo_id, year, number),
        constraint protocol_record_document_once unique (document_id),
        constraint protocol_record_date_of_registration
          check (date = (registered_at at time zone 'Europe/Rome')::date and year = extract(year from date)),
        constraint protocol_record_annulment check (
          (state = 'REGISTRATO' and annulled_at is null and annulled_by is null
            and annulment_reason is null and annulment_authorisation is null)
          or (state = 'ANNULLATO' and annulled_at is not null and annulled_by is not null
              and length(btrim(annulment_reason)) > 0 and length(btrim(annulment_authorisation)) > 0)),
        constraint protocol_record_pec_outgoing check (not sent_by_pec or kind = 'PARTENZA')
      );
      create index protocol_record_listing on protocol_record (aoo_id, year, number);
      create index protocol_record_by_date on protocol_record (aoo_id, date);
      create index protocol_record_uor on protocol_record (uor_id);
      create index protocol_record_rpa on protocol_record (rpa_id);
      create index protocol_record_classification on protocol_record (classification_id);
      create index protocol_record_oggetto_fts on protocol_record
        using gin (to_tsvector('titolario_italian'::regconfig, oggetto));

      -- Correspondents as they were at registration (the directory may change later).
      create table protocol_correspondent (
        id uuid primary key,
        record_id uuid not null references protocol_record (id) on delete restrict,
        position integer not null check (position >= 1),
        role varchar(12) not null check (role in ('MITTENTE', 'DESTINATARIO')),
        kind varchar(30) not null check (kind in ('PERSONA_FISICA', 'PERSONA_GIURIDICA', 'AMMINISTRAZIONE_ITALIANA', 'AMMINISTRAZIONE_ESTERA', 'UFFICIO_INTERNO')),
        correspondent_id uuid null,
        denominazione varchar(300) null,
        nome varchar(100) null,
        cognome varchar(100) null,
        codice_fiscale varchar(16) null,
        partita_iva varchar(11) null,
        ipa_amministrazione varchar(20) null,
        ipa_aoo varchar(20) null,
        ipa_uo varchar(20) null,
        indirizzo varchar(500) null,
        email varchar(254) null,
        pec varchar(254) null,
        constraint protocol_correspondent_position unique (record_id, position)
      );

      -- The files bound at registration: position 0 the primary document, 1.. the attachments.
      create table protocol_file (
        record_id uuid not null references protocol_record (id) on delete restrict,
        position integer not null check (position >= 0),
        file_id uuid not null references stored_file (id),
        sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
        description varchar(1000) null,
        primary key (record_id, position)
      );

      -- Corrections and notes: appended, never changed or removed (002 §10.4).
      create table protocol_annotation (
        id uuid primary key,
        record_id uuid not null references protocol_record (id) on delete restrict,
        text varchar(4000) not null check (length(btrim(text)) > 0),
        created_at timestamptz not null,
        created_by uuid not null references app_user (id)
      );
      create index protocol_annotation_record on protocol_annotation (record_id, created_at);

      -- Every version of the managed fields: version 1 at registration, one more per change.
      create table protocol_version (
        record_id uuid not null references protocol_record (id) on delete restrict,
        version integer not null check (version >= 1),
        uor_id uuid not null,
        rpa_id uuid null,
        classification_id uuid null,
        fascicolo_id uuid null,
        document_type varchar(200) null,
        means_of_transmission varchar(40) null,
        changes jsonb not null,
        changed_at timestamptz not null,
        changed_by uuid not null references app_user (id),
        primary key (record_id, version)
      );

      -- The record's document and UOR are of the record's AOO.
      create function protocol_record_same_aoo() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from document d where d.id = new.document_id and d.aoo_id = new.aoo_id) then
          raise exception 'a protocol record names a document of its own AOO';
        end if;
        if not exists (select 1 from uor u where u.id = new.uor_id and u.aoo_id = new.aoo_id) then
          raise exception 'a protocol record is assigned to an office of its own AOO';
        end if;
        return new;
      end $$;
      create trigger protocol_record_same_aoo before insert or update of uor_id on protocol_record
        for each row execute function protocol_record_same_aoo();

      create function protocol_record_immutable() returns trigger language plpgsql as $$
      begin
        if tg_op = 'TRUNCATE' then
          raise exception 'protocol registrations are never deleted (annul them)';
        end if;
        if tg_op = 'DELETE' then
          raise exception 'protocol registrations are never deleted (annul them): record %/%', old.number, old.year;
        end if;
        if (new.id, new.aoo_id, new.document_id, new.kind, new.number, new.year, new.date,
            new.registered_at, new.registered_by, new.oggetto, new.primary_sha256, new.attachment_count,
            new.registered_txid)
           is distinct from
           (old.id, old.aoo_id, old.document_id, old.kind, old.number, old.year, old.date,
            old.registered_at, old.registered_by, old.oggetto, old.primary_sha256, old.attachment_count,
            old.registered_txid) then
          raise exception 'the registratura is immutable: number, date, kind, oggetto, digests and attachments never change (record %/%)',
            old.number, old.year;
        end if;
        if old.state = 'ANNULLATO' and
           (new.state, new.annulled_at, new.annulled_by, new.annulment_reason, new.annulment_authorisation)
           is distinct from
           (old.state, old.annulled_at, old.annulled_by, old.annulment_reason, old.annulment_authorisation) then
          raise exception 'an annulled registration stays annulled as it was (record %/%)', old.number, old.year;
        end if;
        if old.sent_by_pec and not new.sent_by_pec then
          raise exception 'a record sent by PEC stays sent (record %/%)', old.number, old.year;
        end if;
        return new;
      end $$;
      create trigger protocol_record_immutable before update or delete on protocol_record
        for each row execute function protocol_record_immutable();
      create trigger protocol_record_no_truncate before truncate on protocol_record
        for each statement execute function protocol_record_immutable();

      -- Child rows of the registratura and the history: written once, never changed or deleted.
      create function protocol_append_only() returns trigger language plpgsql as $$
      begin
        raise exception '% rows of the protocol register are never changed or deleted (%)', tg_table_name, tg_op;
      end $$;
      create trigger protocol_correspondent_immutable before update or delete on protocol_correspondent
        for each row execute function protocol_append_only();
      create trigger protocol_correspondent_no_truncate before truncate on protocol_correspondent
        for each statement execute function protocol_append_only();
      create trigger protocol_file_immutable before update or delete on protocol_file
        for each row execute function protocol_append_only();
      create trigger protocol_file_no_truncate before truncate on protocol_file
        for each statement execute function protocol_append_only();
      create trigger protocol_annotation_immutable before update or delete on protocol_annotation
        for each row execute function protocol_append_only();
      create trigger protocol_annotation_no_truncate before truncate on protocol_annotation
        for each statement execute function protocol_append_only();
      create trigger protocol_version_immutable before update or delete on protocol_version
        for each row execute function protocol_append_only();
      create trigger protocol_version_no_truncate before truncate on protocol_version
        for each statement execute function protocol_append_only();

      -- Correspondents and files are bound in the registering transaction only: nothing is added
      -- to a registratura afterwards.
      create function protocol_registratura_closed() returns trigger language plpgsql as $$
      begin
        if not exists (select 1 from protocol_record r
                        where r.id = new.record_id and r.registered_txid = txid_current()) then
          raise exception 'the registratura of a record is complete at registration: % rows are not added later', tg_table_name;
        end if;
        return new;
      end $$;
      create trigger protocol_correspondent_closed before insert on protocol_correspondent
        for each row execute function protocol_registratura_closed();
      create trigger protocol_file_closed before insert on protocol_file
        for each row execute function protocol_registratura_closed();
    `);
  }
}
