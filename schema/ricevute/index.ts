import { defineModule } from '../../server/modules/module.js';
import { receiptRoutes } from './receipt.routes.js';
import { RICEVUTE_ERROR_CODES } from './ricevute.errors.js';
import { ProtocolRecordReceiptResolver, RicevuteResolver } from './ricevute.resolver.js';

/**
 * Receipt and label of registration (DOMAIN §5, 001 §6.6, 003): the receipt as a PDF/A-3b with
 * an embedded font, the short segnatura for stamping, and a printable label whose Code 128
 * barcode a scanner reads back to the record (protocolRecordByBarcode). PDFs are served over
 * HTTP beside GraphQL (GET /protocol-records/:id/receipt.pdf and label.pdf) with the record's
 * visibility; nothing is stored: both are a function of the immutable registratura.
 */
export const ricevuteModule = defineModule({
  name: 'ricevute',
  resolvers: [RicevuteResolver, ProtocolRecordReceiptResolver],
  routes: [receiptRoutes],
  errorCodes: RICEVUTE_ERROR_CODES,
});

// What other modules may use.
export { labelCode, labelText, parseLabelCode, type RegisterCodes } from './label-code.js';
// The PEC plugin sends the receipt of registration to a PEC sender (001 §6.6).
export { renderRegistrationReceipt, type IssuedPdf } from './receipt.service.js';
