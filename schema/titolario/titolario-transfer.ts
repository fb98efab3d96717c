import { registerEnumType } from 'type-graphql';
import { csvField, CsvSyntaxError, parseCsv } from './csv.js';
import { JsonSyntaxError, parseLocatedJson } from './located-json.js';
import { isValidCode } from './titolario-codes.js';
import {
  MAX_CHILDREN_PER_NODE,
  MAX_INDEX_TERMS_PER_NODE,
  MAX_NODES_PER_VERSION,
  MAX_TERM_VARIANTS,
  MAX_TITOLI,
} from './titolario-limits.js';

/**
 * The exchange formats of a titolario (import into a new draft, export of any version). Both
 * list the nodes depth first by full code (the parent before its children) with their index
 * terms:
 *
 * JSON: `{ "format": "titolario", "label", "validFrom", "nodes": [ { "fullCode": "VI/3",
 * "description": "Edilizia privata", "indexTerms": [ { "term": "Licenze edilizie", "variants":
 * ["concessione edilizia"] } ] } ] }` (label and validFrom are informative: the import takes
 * them from its arguments).
 *
 * CSV (comma or semicolon): header `kind,fullCode,description,term,variants`; a `node` row per
 * node (fullCode, description), an `indexTerm` row per index term (fullCode of its node, term,
 * variants separated by `|`).
 *
 * Reading collects every problem (line and field) instead of stopping at the first, so one
 * round of corrections fixes a file.
 */
export enum TitolarioFormat {
  JSON = 'JSON',
  CSV = 'CSV',
}

registerEnumType(TitolarioFormat, {
  name: 'TitolarioFormat',
  description: 'Exchange format of a titolario (README: "Titolario import and export")',
  valuesConfig: {
    JSON: { description: 'A JSON document with the nodes depth first, each with its index terms' },
    CSV: { description: 'CSV: kind,fullCode,description,term,variants — a row per node and per index term' },
  },
});

export interface ImportProblem {
  /** 1-based line of the file where the offending node, term or value starts. */
  line: number;
  /** The field (JSON key or CSV column) at fault. */
  field: string;
  message: string;
}

export interface ImportedTerm {
  line: number;
  term: string;
  variants: string[];
}

export interface ImportedNode {
  line: number;
  fullCode: string;
  level: number;
  code: string;
  parentFullCode: string | null;
  description: string;
  indexTerms: ImportedTerm[];
}

export interface ImportReading {
  nodes: ImportedNode[];
  problems: ImportProblem[];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A required single-line text of at most `max` characters, or a problem. */
function text(
  problems: ImportProblem[],
  line: number,
  field: string,
  value: unknown,
  max: number,
): string | null {
  if (typeof value !== 'string') {
    problems.push({ line, field, message: value === undefined ? 'is missing' : 'must be a string' });
    return null;
  }
  const v = value.trim();
  const problem =
    v === ''
      ? 'must not be empty'
      : CONTROL.test(v)
        ? 'must not contain control characters'
        : v.length > max
          ? `must be at most ${max} characters (got ${v.length})`
          : null;
  if (problem) {
    problems.push({ line, field, message: problem });
    return null;
  }
  return v;
}

function readFullCode(
  problems: ImportProblem[],
  line: number,
  value: unknown,
): { fullCode: string; level: number; code: string; parent: string | null } | null {
  const raw = text(problems, line, 'fullCode', value, 200);
  if (raw === null) return null;
  const segments = raw
    .toUpperCase()
    .split('/')
    .map((s) => s.trim());
  const bad = segments.findIndex((s, i) => !isValidCode(i + 1, s));
  if (bad >= 0 || segments.length > 8) {
    problems.push({
      line,
      field: 'fullCode',
      message:
        segments.length > 8
          ? `${raw}: at most 8 levels`
          : `${raw}: ${bad === 0 ? 'a titolo is a roman numeral (I … XXXIX)' : `level ${bad + 1} must be a positive number`}, levels separated by "/" (e.g. VI/3/1)`,
    });
    return null;
  }
  const fullCode = segments.join('/');
  return {
    fullCode,
    level: segments.length,
    code: segments.at(-1) ?? '',
    parent: segments.length === 1 ? null : segments.slice(0, -1).join('/'),
  };
}

function readVariants(problems: ImportProblem[], line: number, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ line, field: 'variants', message: 'must be a list of strings' });
    return [];
  }
  const out: string[] = [];
  for (const v of value) {
    const t = text(problems, line, 'variants', v, 300);
    if (t !== null && t.includes('|'))
      problems.push({ line, field: 'variants', message: 'a variant must not contain "|"' });
    else if (t !== null && !out.includes(t)) out.push(t);
  }
  if (out.length > MAX_TERM_VARIANTS) {
    problems.push({
      line,
      field: 'variants',
      message: `at most ${MAX_TERM_VARIANTS} variants (got ${out.length})`,
    });
  }
  return out;
}

function readJson(content: string, problems: ImportProblem[]): ImportedNode[] {
  let parsed;
  try {
    parsed = parseLocatedJson(content);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      problems.push({ line: e.line, field: '(syntax)', message: e.message });
      return [];
    }
    throw e;
  }
  const { value, lineOf } = parsed;
  const lineAt = (o: unknown, fallback: number) =>
    (typeof o === 'object' && o !== null ? lineOf.get(o) : undefined) ?? fallback;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ line: 1, field: '(document)', message: 'must be an object with a "nodes" list' });
    return [];
  }
  const doc = value as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!['format', 'label', 'validFrom', 'state', 'approvalAct', 'nodes'].includes(key)) {
      problems.push({ line: lineAt(doc, 1), field: key, message: 'is not a field of a titolario document' });
    }
  }
  if (!Array.isArray(doc['nodes'])) {
    problems.push({ line: lineAt(doc, 1), field: 'nodes', message: 'must be a list of nodes' });
    return [];
  }
  const nodes: ImportedNode[] = [];
  let previousLine = lineAt(doc['nodes'], 1);
  for (const item of doc['nodes'] as unknown[]) {
    const line = lineAt(item, previousLine);
    previousLine = line;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ line, field: 'nodes', message: 'each node must be an object' });
      continue;
    }
    const n = item as Record<string, unknown>;
    for (const key of Object.keys(n)) {
      if (!['fullCode', 'description', 'indexTerms'].includes(key)) {
        problems.push({
          line,
          field: key,
          message: 'is not a field of a node (fullCode, description, indexTerms)',
        });
      }
    }
    const code = readFullCode(problems, line, n['fullCode']);
    const description = text(problems, line, 'description', n['description'], 1000);
    const terms: ImportedTerm[] = [];
    const rawTerms = n['indexTerms'] ?? [];
    if (!Array.isArray(rawTerms)) {
      problems.push({ line, field: 'indexTerms', message: 'must be a list of index terms' });
    } else {
      for (const t of rawTerms) {
        const tLine = lineAt(t, line);
        if (typeof t !== 'object' || t === null || Array.isArray(t)) {
          problems.push({ line: tLine, field: 'indexTerms', message: 'each index term must be an object' });
          continue;
        }
        const rec = t as Record<string, unknown>;
        for (const key of Object.keys(rec)) {
          if (!['term', 'variants'].includes(key)) {
            problems.push({
              line: tLine,
              field: key,
              message: 'is not a field of an index term (term, variants)',
            });
          }
        }
        const term = text(problems, tLine, 'term', rec['term'], 300);
        const variants = readVariants(problems, tLine, rec['variants']);
        if (term !== null) terms.push({ line: tLine, term, variants });
      }
    }
    if (code && description !== null) {
      nodes.push({
        line,
        fullCode: code.fullCode,
        level: code.level,
        code: code.code,
        parentFullCode: code.parent,
        description,
        indexTerms: terms,
      });
    }
  }
  return nodes;
}

const CSV_COLUMNS = ['kind', 'fullCode', 'description', 'term', 'variants'] as const;

function readCsv(content: string, problems: ImportProblem[]): ImportedNode[] {
  let records;
  try {
    records = parseCsv(content);
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      problems.push({ line: e.line, field: '(syntax)', message: `invalid CSV: ${e.message}` });
      return [];
    }
    throw e;
  }
  const [header, ...rows] = records;
  if (!header) {
    problems.push({
      line: 1,
      field: '(header)',
      message: `the file is empty: the first line names the columns ${CSV_COLUMNS.join(',')}`,
    });
    return [];
  }
  const names = header.fields.map((f) => f.trim());
  const index: Partial<Record<(typeof CSV_COLUMNS)[number], number>> = {};
  for (const column of CSV_COLUMNS) {
    const at = names.indexOf(column);
    if (at < 0 && column !== 'variants') {
      problems.push({ line: header.line, field: column, message: 'the header lacks this column' });
    } else if (at >= 0) index[column] = at;
  }
  for (const name of names) {
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      problems.push({
        line: header.line,
        field: name || '(empty)',
        message: `is not a column (${CSV_COLUMNS.join(',')})`,
      });
    }
  }
  if (problems.length > 0) return [];
  const cell = (r: { fields: string[] }, c: (typeof CSV_COLUMNS)[number]) => {
    const at = index[c];
    return at === undefined ? '' : (r.fields[at] ?? '');
  };
  const nodes: ImportedNode[] = [];
  const byCode = new Map<string, ImportedNode>();
  const termRows: Array<{ line: number; fullCode: string; term: ImportedTerm }> = [];
  for (const r of rows) {
    if (r.fields.length > names.length) {
      problems.push({
        line: r.line,
        field: '(row)',
        message: `has ${r.fields.length} fields, the header ${names.length}`,
      });
      continue;
    }
    const kind = cell(r, 'kind').trim();
    if (kind === 'node') {
      const code = readFullCode(problems, r.line, cell(r, 'fullCode'));
      const description = text(problems, r.line, 'description', cell(r, 'description'), 1000);
      if (code && description !== null) {
        const node = {
          line: r.line,
          fullCode: code.fullCode,
          level: code.level,
          code: code.code,
          parentFullCode: code.parent,
          description,
          indexTerms: [],
        };
        nodes.push(node);
        if (!byCode.has(node.fullCode)) byCode.set(node.fullCode, node);
      }
    } else if (kind === 'indexTerm') {
      const code = readFullCode(problems, r.line, cell(r, 'fullCode'));
      const term = text(problems, r.line, 'term', cell(r, 'term'), 300);
      const rawVariants = cell(r, 'variants').trim();
      const variants = readVariants(problems, r.line, rawVariants === '' ? [] : rawVariants.split('|'));
      if (code && term !== null)
        termRows.push({ line: r.line, fullCode: code.fullCode, term: { line: r.line, term, variants } });
    } else {
      problems.push({
        line: r.line,
        field: 'kind',
        message: `must be "node" or "indexTerm" (got ${JSON.stringify(kind.slice(0, 40))})`,
      });
    }
  }
  for (const t of termRows) {
    const node = byCode.get(t.fullCode);
    if (node) node.indexTerms.push(t.term);
    else
      problems.push({
        line: t.line,
        field: 'fullCode',
        message: `no node ${t.fullCode} in the file for this index term`,
      });
  }
  return nodes;
}

/** The tree rules and bounds, over the nodes read (every problem, at the line that causes it). */
function checkTree(nodes: ImportedNode[], problems: ImportProblem[]): void {
  const first = new Map<string, ImportedNode>();
  const children = new Map<string | null, number>();
  let count = 0;
  for (const n of nodes) {
    const earlier = first.get(n.fullCode);
    if (earlier) {
      problems.push({
        line: n.line,
        field: 'fullCode',
        message: `${n.fullCode} already appears on line ${earlier.line}`,
      });
      continue;
    }
    first.set(n.fullCode, n);
    count++;
    if (count === MAX_NODES_PER_VERSION + 1) {
      problems.push({
        line: n.line,
        field: 'fullCode',
        message: `at most ${MAX_NODES_PER_VERSION} nodes in a version`,
      });
    }
    const siblings = (children.get(n.parentFullCode) ?? 0) + 1;
    children.set(n.parentFullCode, siblings);
    const max = n.parentFullCode === null ? MAX_TITOLI : MAX_CHILDREN_PER_NODE;
    if (siblings === max + 1) {
      problems.push({
        line: n.line,
        field: 'fullCode',
        message:
          n.parentFullCode === null
            ? `at most ${MAX_TITOLI} titoli`
            : `at most ${MAX_CHILDREN_PER_NODE} nodes below ${n.parentFullCode}`,
      });
    }
    if (n.indexTerms.length > MAX_INDEX_TERMS_PER_NODE) {
      problems.push({
        line: n.indexTerms[MAX_INDEX_TERMS_PER_NODE]?.line ?? n.line,
        field: 'indexTerms',
        message: `at most ${MAX_INDEX_TERMS_PER_NODE} index terms per node`,
      });
    }
  }
  for (const n of first.values()) {
    if (n.parentFullCode !== null && !first.has(n.parentFullCode)) {
      problems.push({
        line: n.line,
        field: 'fullCode',
        message: `the parent ${n.parentFullCode} is not in the file`,
      });
    }
  }
  if (nodes.length === 0 && problems.length === 0) {
    problems.push({ line: 1, field: 'nodes', message: 'the file has no nodes' });
  }
}

export function readImport(format: TitolarioFormat, content: string): ImportReading {
  const problems: ImportProblem[] = [];
  const nodes = format === TitolarioFormat.JSON ? readJson(content, problems) : readCsv(content, problems);
  checkTree(nodes, problems);
  problems.sort((a, b) => a.line - b.line);
  return { nodes, problems };
}

export interface ExportedNode {
  fullCode: string;
  description: string;
  indexTerms: Array<{ term: string; variants: string[] }>;
}

/** The text of an export: nodes depth first, one JSON node per line (diff-friendly). */
export function writeExport(
  format: TitolarioFormat,
  header: { label: string; validFrom: string; state: string },
  nodes: readonly ExportedNode[],
): string {
  if (format === TitolarioFormat.JSON) {
    const lines = nodes.map((n) => `    ${JSON.stringify(n)}`);
    return [
      '{',
      '  "format": "titolario",',
      `  "label": ${JSON.stringify(header.label)},`,
      `  "validFrom": ${JSON.stringify(header.validFrom)},`,
      `  "state": ${JSON.stringify(header.state)},`,
      lines.length === 0 ? '  "nodes": []' : `  "nodes": [\n${lines.join(',\n')}\n  ]`,
      '}',
      '',
    ].join('\n');
  }
  const rows = [CSV_COLUMNS.join(',')];
  for (const n of nodes) {
    rows.push(['node', n.fullCode, n.description, '', ''].map(csvField).join(','));
    for (const t of n.indexTerms) {
      rows.push(['indexTerm', n.fullCode, '', t.term, t.variants.join('|')].map(csvField).join(','));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
