import { Migration } from '@mikro-orm/migrations';

/**
 * The classification of documents non protocollati (DOMAIN §2, §5): each classification is a
 * version row (who, when, the previous and the new node), never an update. The database keeps
 * the rules itself: rows are append-only, versions follow each other without gaps (each names
 * the node of the one before), the node is of the document's AOO, and a document registered in
 * the protocol takes no more rows (its classification is a managed field of its record).
 */
export class Migration20261205000022_document_classification extends Migration {
  override up(): void {
    this.addSql(`
      create table document_classification (
        document_id uuid not null references document (id),
        version int not null check (version >= 1),
        classification_id uuid not null references titolario_node (id),
        previous_classification_id uuid null references titolario_node (id),
        at timestamptz not null,
        actor_id uuid null references app_user (id),
        primary key (document_id, version),
        check ((version = 1) = (previous_classification_id is null)),
        check (previous_classification_id is distinct from classification_id)
      );
      create index document_classification_node_idx on document_classification (classification_id);

      create trigger document_classification_append_only before update or delete on document_classification
        for each row execute function fascicolo_append_only();
      create trigger document_classification_no_truncate before truncate on document_classification
        for each statement execute function fascicolo_append_only();

      create function document_classification_check() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from document d where d.id = new.document_id and d.kind = 'PROTOCOLLATO') then
          raise exception 'document % is registered in the protocol: its classification is its record''s', new.document_id;
        end if;
        if not exists (select 1 from titolario_node n join document d on d.aoo_id = n.aoo_id
                        where n.id = new.classification_id and d.id = new.document_id) then
          raise exception 'document %: the classification is not of its AOO', new.document_id;
        end if;
        if new.version > 1 and not exists (
            select 1 from document_classification c
             where c.document_id = new.document_id and c.version = new.version - 1
               and c.classification_id = new.previous_classification_id) then
          raise exception 'document %: version % does not follow the previous one', new.document_id, new.version;
        end if;
        return new;
      end $$;
      create trigger document_classification_check before insert on document_classification
        for each row execute function document_classification_check();
    `);
  }

  override down(): void {
    this.addSql(`
      drop table if exists document_classification;
      drop function if exists document_classification_check();
    `);
  }
}
