import type * as pkijs from 'pkijs';
import type { SignerSummary } from './signature-outcome.js';

const ATTRIBUTE_NAMES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'T'],
  ['2.5.4.42', 'GN'],
  ['2.5.4.46', 'dnQualifier'],
  ['2.5.4.97', 'organizationIdentifier'],
  ['1.2.840.113549.1.9.1', 'E'],
]);

const COMMON_NAME = '2.5.4.3';
const SERIAL_NUMBER = '2.5.4.5';

// Italian qualified certificates carry the holder's codice fiscale in the subject serialNumber:
// ETSI EN 319 412-1 §5.1.3 semantics `TINIT-<codice fiscale>`, older certificates `IT:<cf>`.
const FISCAL_CODE_IN_SERIAL = /^(?:TINIT-|IT:)([A-Z0-9]{16}|\d{11})$/i;

function attributeText(value: pkijs.AttributeValueType): string {
  const text: unknown = value.valueBlock.value;
  return typeof text === 'string'
    ? text
    : Buffer.from(value.valueBlock.valueBeforeDecodeView).toString('hex');
}

function attribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const found = name.typesAndValues.find((tv) => tv.type === oid);
  return found ? attributeText(found.value) : undefined;
}

/** RFC 4514 string form: most specific attribute first, special characters escaped. */
export function distinguishedName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const escaped = attributeText(tv.value).replace(/([,+"\\<>;=])/g, '\\$1');
      return `${ATTRIBUTE_NAMES.get(tv.type) ?? tv.type}=${escaped}`;
    })
    .reverse()
    .join(', ');
}

export function summariseCertificate(certificate: pkijs.Certificate): SignerSummary {
  const serialNumber = attribute(certificate.subject, SERIAL_NUMBER);
  const fiscalCode = serialNumber ? FISCAL_CODE_IN_SERIAL.exec(serialNumber)?.[1]?.toUpperCase() : undefined;
  return {
    commonName: attribute(certificate.subject, COMMON_NAME),
    serialNumber,
    fiscalCode,
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    certificateSerial: Buffer.from(certificate.serialNumber.valueBlock.valueHexView).toString('hex'),
  };
}
