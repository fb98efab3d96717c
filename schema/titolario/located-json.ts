/**
 * JSON.parse that also says on which line each object starts, so an import can report "line
 * 12, field description" for a node of a JSON file. A small recursive-descent parser of
 * RFC 8259 JSON; a syntax error is reported with its line.
 */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export interface LocatedJson {
  value: unknown;
  /** The line (1-based) where each object of the value starts. */
  lineOf: WeakMap<object, number>;
}

export function parseLocatedJson(text: string): LocatedJson {
  const lineOf = new WeakMap<object, number>();
  let i = 0;
  let line = 1;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(`invalid JSON: ${what}`, line);
  };
  const skip = () => {
    for (;;) {
      const c = text[i];
      if (c === '\n') {
        line++;
        i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\ufeff') i++;
      else return;
    }
  };
  const expect = (c: string) => {
    if (text[i] !== c)
      fail(
        `expected ${JSON.stringify(c)}${i < text.length ? ` but found ${JSON.stringify(text[i])}` : ' but the text ended'}`,
      );
    i++;
  };

  const parseString = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('a string is not closed');
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n' || (c !== undefined && c < ' ')) fail('a control character inside a string');
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('a bad escape in a string');
      } else {
        out += c;
        i++;
      }
    }
  };

  const parseValue = (): unknown => {
    skip();
    const c = text[i];
    if (c === '{') {
      const obj: Record<string, unknown> = {};
      lineOf.set(obj, line);
      i++;
      skip();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skip();
        const key = parseString();
        skip();
        expect(':');
        obj[key] = parseValue();
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}');
        return obj;
      }
    }
    if (c === '[') {
      const arr: unknown[] = [];
      lineOf.set(arr, line);
      i++;
      skip();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue());
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']');
        return arr;
      }
    }
    if (c === '"') return parseString();
    const literal = /^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)/.exec(
      text.slice(i, i + 64),
    );
    if (!literal) return fail(c === undefined ? 'the text ended early' : `unexpected ${JSON.stringify(c)}`);
    i += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };

  const value = parseValue();
  skip();
  if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the document`);
  return { value, lineOf };
}
