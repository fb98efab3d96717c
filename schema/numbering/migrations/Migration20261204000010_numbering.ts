import { Migration } from '@mikro-orm/migrations';

/**
 * One row per numbering series (AOO, register, year, parent…): legal numbers are counted here,
 * never by a sequence (a sequence skips values on rollback; the register must not). The
 * database itself refuses a counter that goes back, jumps, or disappears.
 */
export class Migration20261204000010_numbering extends Migration {
  override up(): void {
    this.addSql(`
      create table number_counter (
        key text primary key check (length(key) between 1 and 400),
        last_value bigint not null check (last_value >= 1),
        updated_at timestamptz not null
      );

      create function number_counter_forward() returns trigger language plpgsql as $$
      begin
        if tg_op = 'TRUNCATE' then
          raise exception 'number counters are never deleted';
        end if;
        if tg_op = 'DELETE' then
          raise exception 'number counters are never deleted (key %)', old.key;
        end if;
        if tg_op = 'INSERT' and new.last_value <> 1 then
          raise exception 'a number series starts at 1 (key %, got %)', new.key, new.last_value;
        end if;
        if tg_op = 'UPDATE' and (new.key <> old.key or new.last_value <> old.last_value + 1) then
          raise exception 'a number counter only advances by one (key %: % to %)', old.key, old.last_value, new.last_value;
        end if;
        return case when tg_op = 'DELETE' then old else new end;
      end $$;

      create trigger number_counter_forward before insert or update or delete on number_counter
        for each row execute function number_counter_forward();
      create trigger number_counter_no_truncate before truncate on number_counter
        for each statement execute function number_counter_forward();
    `);
  }
}
