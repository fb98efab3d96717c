import { Migration } from '@mikro-orm/migrations';

/**
 * A package's item counts kept on its row: how many documents it has, how many are still
 * orange and how many were rejected. Each outcome moves them under the package's row lock, so
 * the package's colour no longer needs a count over all its items at every outcome (a package of
 * n documents cost n² row visits). Existing packages are counted once here.
 */
export class Migration20261208000100_conservazione_counters extends Migration {
  override up(): void {
    this.addSql(`
      alter table conservation_package
        add column item_count int not null default 0,
        add column orange_count int not null default 0,
        add column red_count int not null default 0;
      alter table conservation_package disable trigger conservation_package_guard;
      update conservation_package p set
        item_count = c.items, orange_count = c.orange, red_count = c.red
        from (select package_id, count(*) as items,
                     count(*) filter (where colour = 'ORANGE') as orange,
                     count(*) filter (where colour = 'RED') as red
                from conservation_item group by package_id) c
       where c.package_id = p.id;
      alter table conservation_package enable trigger conservation_package_guard;
      alter table conservation_package alter column item_count drop default,
        add constraint conservation_package_counts check (
          orange_count >= 0 and red_count >= 0 and orange_count + red_count <= item_count);

      -- How many documents a package carries is part of what it transfers: it never changes.
      create function conservation_package_item_count_guard() returns trigger language plpgsql as $$
      begin
        if new.item_count <> old.item_count then
          raise exception 'conservation package %: what it transfers never changes', old.id using errcode = '55000';
        end if;
        return new;
      end $$;
      create trigger conservation_package_item_count_guard before update on conservation_package
        for each row execute function conservation_package_item_count_guard();
    `);
  }
}
