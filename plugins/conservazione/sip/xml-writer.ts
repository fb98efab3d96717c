/**
 * A small element writer for the per-unit XML of a package (thousands of requests in one
 * build): plain objects serialised once, a fraction of the time and garbage of a full DOM
 * builder. Text and attribute values are escaped here; callers pass text already screened by
 * xmlText (characters XML 1.0 allows). Names are the callers' constants.
 */
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

export class XmlElement {
  private readonly children: Array<XmlElement | string> = [];

  constructor(
    readonly name: string,
    private readonly attrs: Readonly<Record<string, string>> = NO_ATTRIBUTES,
  ) {}

  /** Appends a child element and returns it. */
  ele(name: string, attrs?: Readonly<Record<string, string>>): XmlElement {
    const child = new XmlElement(name, attrs);
    this.children.push(child);
    return child;
  }

  /** Appends text and returns this element (for `parent.ele('X').txt('v')`). */
  txt(text: string): this {
    this.children.push(escapeText(text));
    return this;
  }

  /** The document: XML declaration, then this element indented by two spaces per level. */
  end(): string {
    const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
    this.write(out, '');
    return out.join('');
  }

  private write(out: string[], indent: string): void {
    let open = `${indent}<${this.name}`;
    if (this.attrs !== NO_ATTRIBUTES) {
      for (const [k, v] of Object.entries(this.attrs)) open += ` ${k}="${escapeAttribute(v)}"`;
    }
    if (this.children.length === 0) {
      out.push(`${open}/>\n`);
      return;
    }
    if (this.children.every((c) => typeof c === 'string')) {
      out.push(`${open}>${this.children.join('')}</${this.name}>\n`);
      return;
    }
    out.push(`${open}>\n`);
    const inner = `${indent}  `;
    for (const c of this.children) {
      if (typeof c === 'string') out.push(`${inner}${c}\n`);
      else c.write(out, inner);
    }
    out.push(`${indent}</${this.name}>\n`);
  }
}

/** The root element of a new document. */
export function xmlDocument(rootName: string, attrs?: Readonly<Record<string, string>>): XmlElement {
  return new XmlElement(rootName, attrs);
}

const TEXT_ESCAPED = /[&<>]/;
const ATTRIBUTE_ESCAPED = /[&<>"\t\n\r]/;

function escapeText(text: string): string {
  // '>' too: `]]>` may not appear in text. Most texts need nothing: tested first, not copied.
  if (!TEXT_ESCAPED.test(text)) return text;
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function escapeAttribute(text: string): string {
  if (!ATTRIBUTE_ESCAPED.test(text)) return text;
  return text.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        // Whitespace in an attribute would be normalised to a space by any reader: keep it.
        return `&#${c.charCodeAt(0)};`;
    }
  });
}
