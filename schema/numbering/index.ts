import { defineModule } from '../../server/modules/module.js';
import { Migration20261204000010_numbering } from './migrations/Migration20261204000010_numbering.js';

/**
 * Gap-free legal numbers (protocol, emergency register, fascicoli, repertori): the one place
 * they come from. Other modules call nextNumber inside their unit of work.
 */
export const numberingModule = defineModule({
  name: 'numbering',
  migrations: [{ name: 'Migration20261204000010_numbering', class: Migration20261204000010_numbering }],
});

export { nextNumber, nextNumberSql, type LegalNumber, type NumberSeries } from './numbering.service.js';
