/**
 * RFC 4180 CSV (comma or semicolon separated, as Italian spreadsheets save it), with the line on
 * which each record starts (a quoted field may span lines).
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const firstLine = body.split('\n', 1)[0] ?? '';
  // The separator is the one the header uses: Excel in an Italian locale writes semicolons.
  const sep = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < body.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    for (;;) {
      const c = body[i];
      if (c === '"' && field === '') {
        i++;
        for (;;) {
          const q = body[i];
          if (q === undefined) throw new CsvSyntaxError('a quoted field is not closed', start);
          if (q === '"') {
            if (body[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q === '\n') line++;
          field += q;
          i++;
        }
        const after = body[i];
        if (after !== undefined && after !== sep && after !== '\n' && after !== '\r') {
          throw new CsvSyntaxError('text after a closing quote', line);
        }
        continue;
      }
      if (c === undefined || c === '\n' || (c === '\r' && body[i + 1] === '\n') || c === '\r') {
        fields.push(field);
        if (c === '\r' && body[i + 1] === '\n') i += 2;
        else if (c !== undefined) i++;
        if (c !== undefined) line++;
        break;
      }
      if (c === sep) {
        fields.push(field);
        field = '';
        i++;
        continue;
      }
      field += c;
      i++;
    }
    // Blank lines carry nothing.
    if (!(fields.length === 1 && fields[0]?.trim() === '')) records.push({ line: start, fields });
  }
  return records;
}

/** One CSV field, quoted when it needs to be. */
export function csvField(value: string): string {
  return /[",;\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}
