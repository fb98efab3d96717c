/**
 * What a conservation package (SIP, pacchetto di versamento) holds, as data (loadSipPackage),
 * as XML (the ParER versamento request per unit, the UNI SInCRO PIndex, the ParER fascicolo
 * index) and as a zip streamed into the blob store (writeSip). The XSDs in xsd/ are the
 * conservator's, unchanged.
 */
export type {
  BuiltSip,
  PIndexFile,
  SipAggregation,
  SipComponent,
  SipCorrespondent,
  SipFiling,
  SipPackage,
  SipRegistration,
  SipUnit,
  UnitKey,
  Versatore,
} from './sip-types.js';
export { loadSipPackage, NON_PROTOCOLLATO_REGISTRO, type LoadSipInput } from './sip-load.js';
export { versamentoRequestXml, VERSAMENTO_VERSION } from './versamento-xml.js';
export { AGID_METADATA_VERSION, DAILY_REGISTER_TIPOLOGIA } from './agid-metadata.js';
export { pindexXml, pindexPath, SINCRO_NS } from './pindex-xml.js';
export { fascicoloIndexXml, fascicoloNumero } from './fascicolo-index-xml.js';
export { validateConservationXml, type ConservationSchema } from './xsd-validation.js';
export {
  writeSip,
  FASCICOLO_INDEX_NAME,
  PINDEX_NAME,
  UNIT_REQUEST_NAME,
  type WriteSipOptions,
} from './sip-writer.js';
export { unitFolder } from './xml-text.js';
export { zipStream, type ZipEntry, type ZipOptions } from './zip-writer.js';
