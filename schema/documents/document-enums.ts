import { registerEnumType } from 'type-graphql';
import { DocumentFormat, SignatureStatus } from './inspection/index.js';

export enum DocumentKind {
  PROTOCOLLATO = 'PROTOCOLLATO',
  REPERTORIATO = 'REPERTORIATO',
  NON_PROTOCOLLATO = 'NON_PROTOCOLLATO',
}

registerEnumType(DocumentKind, {
  name: 'DocumentKind',
  description: 'Protocolled, repertoriato, or a "documento non protocollato"',
  valuesConfig: {
    PROTOCOLLATO: { description: 'Registered in the protocol register: its registratura is immutable' },
    REPERTORIATO: { description: 'Registered in a repertorio (delibere, decreti, contratti…)' },
    NON_PROTOCOLLATO: { description: 'Not registered: a draft, or a document kept without registration' },
  },
});
registerEnumType(DocumentFormat, {
  name: 'DocumentFormat',
  description: 'Format detected from the bytes (001 §3.2.2)',
  valuesConfig: {
    PDF: { description: 'PDF' },
    PDF_A: { description: 'PDF/A (archival PDF, the part in pdfaPart)' },
    XML: { description: 'XML' },
    ODF: { description: 'OpenDocument (odt, ods…)' },
    OOXML: { description: 'Office Open XML (docx, xlsx…)' },
    TXT: { description: 'Plain text' },
    TIFF: { description: 'TIFF image' },
    JPEG: { description: 'JPEG image' },
    EML: { description: 'E-mail message (RFC 2822/MIME)' },
    P7M: { description: 'CAdES signed envelope (.p7m) around a document' },
    OTHER: { description: 'Anything else (not in the accepted list)' },
  },
});
registerEnumType(SignatureStatus, {
  name: 'SignatureStatus',
  description: 'Outcome of the digital-signature check (002 §4.1.2.1)',
  valuesConfig: {
    FIRMA_VALIDA: { description: 'firma valida: integrity verified, certificate valid at the signing time' },
    FIRMA_MANCANTE: { description: 'firma mancante: the file carries no signature' },
    FIRMA_NON_VALIDA: {
      description: 'firma non valida: the signed bytes were altered or the signature is broken',
    },
    CERTIFICATO_SCADUTO: {
      description: 'certificato scaduto: the certificate was not valid at the signing time',
    },
    IMPOSSIBILE_EFFETTUARE_VERIFICA: {
      description: 'impossibile effettuare verifica: unreadable, unsupported or too large to verify',
    },
  },
});

export { DocumentFormat, SignatureStatus };
