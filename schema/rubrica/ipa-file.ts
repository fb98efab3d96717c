/**
 * The IPA index open-data files (indicepa.gov.it): "amministrazioni" (enti), "aoo" and "uo"
 * ("unità organizzative"), published as tab-separated text (legacy) or CSV. The header decides
 * which file it is; headers are matched case-insensitively, in both the legacy names
 * (cod_amm, des_amm, Cod_aoo, Des_aoo, Cod_uni_ou, Des_ou, Cf, mail1/tipo_mail1…) and the
 * current ones (Codice_IPA, Denominazione_ente, Codice_uni_aoo, Denominazione_aoo,
 * Codice_uni_uo, Descrizione_uo, Codice_fiscale_ente, Mail1/Tipo_Mail1…). README "IPA import".
 */

export interface IpaRecord {
  line: number;
  /** Field values by canonical name (below); absent columns are missing keys. */
  values: Partial<Record<IpaField, string>>;
  /** Mail1..Mail5 with their type (e.g. "pec", "altro"). */
  mails: Array<{ address: string; type: string; field: string }>;
}

export type IpaField =
  | 'ipaCode'
  | 'administration'
  | 'aooCode'
  | 'aooName'
  | 'uoCode'
  | 'uoName'
  | 'codiceFiscale'
  | 'address'
  | 'postalCode'
  | 'city'
  | 'province';

/** Accepted headers (lower case) of each field. */
export const IPA_HEADERS: Record<IpaField, string[]> = {
  ipaCode: ['cod_amm', 'codice_ipa'],
  administration: ['des_amm', 'denominazione_ente'],
  aooCode: ['cod_aoo', 'codice_uni_aoo'],
  aooName: ['des_aoo', 'denominazione_aoo'],
  uoCode: ['cod_uni_ou', 'codice_uni_uo', 'cod_ou'],
  uoName: ['des_ou', 'descrizione_uo'],
  codiceFiscale: ['cf', 'codice_fiscale_ente', 'cf_amm'],
  address: ['indirizzo'],
  postalCode: ['cap'],
  city: ['comune'],
  province: ['provincia'],
};

export type IpaFileKind = 'AMMINISTRAZIONI' | 'AOO' | 'UO';

export interface IpaFile {
  kind: IpaFileKind;
  records: IpaRecord[];
}

export interface IpaProblem {
  line: number;
  field: string;
  message: string;
}

/** Splits one line: tab-separated files have no quoting; CSV follows RFC 4180 quotes. */
function splitLine(line: string, sep: string): string[] | null {
  if (sep === '\t') return line.split('\t');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      out.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return null;
  out.push(field);
  return out;
}

/** The records of a file, or every problem of its form (header, columns, quotes). */
export function parseIpaFile(text: string): { file: IpaFile | null; problems: IpaProblem[] } {
  const problems: IpaProblem[] = [];
  const lines = (text.startsWith('\ufeff') ? text.slice(1) : text).split(/\r?\n/);
  const header = lines[0] ?? '';
  const sep = header.includes('\t') ? '\t' : header.includes(';') && !header.includes(',') ? ';' : ',';
  const names = (splitLine(header, sep) ?? []).map((h) => h.trim().toLowerCase());
  const column = {} as Partial<Record<IpaField, number>>;
  for (const [field, aliases] of Object.entries(IPA_HEADERS) as Array<[IpaField, string[]]>) {
    const i = names.findIndex((n) => aliases.includes(n));
    if (i >= 0) column[field] = i;
  }
  const mailColumns: Array<{ address: number; type: number; field: string }> = [];
  for (let n = 1; n <= 5; n++) {
    const a = names.indexOf(`mail${n}`);
    const t = names.indexOf(`tipo_mail${n}`);
    if (a >= 0 && t >= 0) mailColumns.push({ address: a, type: t, field: names[a] ?? `mail${n}` });
  }
  if (column.ipaCode === undefined) {
    problems.push({ line: 1, field: 'header', message: 'no IPA code column (Codice_IPA or cod_amm)' });
    return { file: null, problems };
  }
  const kind: IpaFileKind =
    column.uoCode !== undefined ? 'UO' : column.aooCode !== undefined ? 'AOO' : 'AMMINISTRAZIONI';
  const nameField: IpaField = kind === 'UO' ? 'uoName' : kind === 'AOO' ? 'aooName' : 'administration';
  if (column[nameField] === undefined) {
    problems.push({ line: 1, field: 'header', message: `no ${IPA_HEADERS[nameField].join(' or ')} column` });
    return { file: null, problems };
  }
  const records: IpaRecord[] = [];
  lines.slice(1).forEach((text, i) => {
    const line = i + 2;
    if (text.trim() === '') return;
    const fields = splitLine(text, sep);
    if (fields === null) {
      problems.push({ line, field: 'line', message: 'a quoted field is not closed' });
      return;
    }
    if (fields.length !== names.length) {
      problems.push({
        line,
        field: 'line',
        message: `has ${fields.length} fields, the header ${names.length}`,
      });
      return;
    }
    const values: IpaRecord['values'] = {};
    for (const [field, index] of Object.entries(column) as Array<[IpaField, number]>) {
      const v = fields[index]?.trim() ?? '';
      if (v !== '') values[field] = v;
    }
    const mails = mailColumns.flatMap((m) => {
      const address = fields[m.address]?.trim() ?? '';
      return address ? [{ address, type: (fields[m.type] ?? '').trim().toLowerCase(), field: m.field }] : [];
    });
    records.push({ line, values, mails });
  });
  return { file: { kind, records }, problems };
}
