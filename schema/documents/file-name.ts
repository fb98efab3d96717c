import { InvalidInputError } from '../../server/errors/domain-error.js';

const HEADER = 'X-File-Name';

/**
 * The name of an upload as sent in `X-File-Name`. HTTP headers carry ASCII: a name with
 * accents travels percent-encoded (`encodeURIComponent(name)`) or in the RFC 8187 form
 * `UTF-8''<percent-encoded>`. Raw non-ASCII bytes are refused rather than stored garbled (Node
 * reads header bytes as Latin-1, so UTF-8 "è" would become "Ã¨").
 */
export function fileNameFromHeader(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '')
    throw new InvalidInputError(HEADER, 'the file name header is required');
  if (/[^\x20-\x7e]/.test(raw)) {
    throw new InvalidInputError(
      HEADER,
      "must be ASCII: send the name percent-encoded (encodeURIComponent(name)) or as UTF-8''<percent-encoded name>",
    );
  }
  const encoded = raw.replace(/^utf-8''/i, '');
  try {
    return cleanFileName(HEADER, decodeURIComponent(encoded));
  } catch (e) {
    if (e instanceof URIError)
      throw new InvalidInputError(HEADER, 'is not valid percent-encoded UTF-8 (use encodeURIComponent)');
    throw e;
  }
}

// C0 and C1 controls (NUL, CR, LF, NEL…), the line and paragraph separators, and the
// bidirectional marks, embeddings, overrides and isolates that can make "invoice‮fdp.exe" read
// as "invoiceexe.pdf" in a list of attachments.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Names are kept for display and downloads: a plain base name, nothing that hides or breaks a line. */
export function cleanFileName(field: string, raw: string): string {
  const base = raw.replace(/\\/g, '/').split('/').pop()?.trim() ?? '';
  if (base === '' || base === '.' || base === '..')
    throw new InvalidInputError(field, 'must be a plain file name, not a path');
  if (UNSAFE.test(base)) {
    throw new InvalidInputError(
      field,
      'must not contain control, line-separator or bidirectional-override characters',
    );
  }
  if (base.length > 255)
    throw new InvalidInputError(field, `must be at most 255 characters (got ${base.length})`);
  return base;
}
