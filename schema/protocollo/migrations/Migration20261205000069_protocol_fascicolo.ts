import { Migration } from '@mikro-orm/migrations';

/**
 * The fascicolo of a registration (a managed field, filed through the fascicoli module): the
 * column, reserved until now, names a fascicolo of the record's own AOO, in the record and in
 * every version of its history; a classification goes with it (a filed record is classified as
 * its fascicolo, the service checks the two agree).
 */
export class Migration20261205000069_protocol_fascicolo extends Migration {
  override up(): void {
    this.addSql(`
      alter table protocol_record
        add constraint protocol_record_fascicolo_fk foreign key (fascicolo_id) references fascicolo (id),
        add constraint protocol_record_fascicolo_classified check (fascicolo_id is null or classification_id is not null);
      alter table protocol_version
        add constraint protocol_version_fascicolo_fk foreign key (fascicolo_id) references fascicolo (id);
      create index protocol_record_fascicolo_idx on protocol_record (fascicolo_id) where fascicolo_id is not null;

      create function protocol_record_fascicolo_check() returns trigger language plpgsql as $$
      begin
        if new.fascicolo_id is not null and not exists (
            select 1 from fascicolo f where f.id = new.fascicolo_id and f.aoo_id = new.aoo_id) then
          raise exception 'protocol record %: fascicolo % is not of its AOO', new.id, new.fascicolo_id;
        end if;
        return new;
      end $$;
      create trigger protocol_record_fascicolo_check before insert or update of fascicolo_id on protocol_record
        for each row execute function protocol_record_fascicolo_check();
    `);
  }
}
