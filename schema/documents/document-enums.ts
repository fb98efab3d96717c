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
});
registerEnumType(DocumentFormat, {
  name: 'DocumentFormat',
  description: 'Format detected from the bytes (001 §3.2.2)',
});
registerEnumType(SignatureStatus, {
  name: 'SignatureStatus',
  description: 'Outcome of the digital-signature check (002 §4.1.2.1)',
});

export { DocumentFormat, SignatureStatus };
