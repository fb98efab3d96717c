import type { Element } from '@xmldom/xmldom';
import type { Reason } from './connector.js';
import { ConservatorResponseInvalid } from './connector.errors.js';
import { parseSafeXml } from './safe-xml.js';
import { validateConservationXml, type ConservationSchema } from '../sip/index.js';
import { childElement, childElements, pathElement, pathValue } from './xml-elements.js';

/** Larger than any EsitoVersamento or StatoConservazione (a unit's report is tens of KiB). */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const OUTCOMES = new Set(['POSITIVO', 'NEGATIVO', 'WARNING']);

function excerpt(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** An answer screened and parsed, not yet validated against its schema. */
export interface ScreenedAnswer {
  what: string;
  root: Element;
  text: string;
  schema: ConservationSchema;
}

/**
 * Screens (no DOCTYPE or ENTITY, before any parser) and parses (every error fatal) an answer,
 * with the root it must have. Throws ConservatorResponseInvalid.
 */
export function screenAnswer(
  input: Buffer | string,
  what: string,
  root: string,
  schema: ConservationSchema,
): ScreenedAnswer {
  const parsed = parseSafeXml(input, MAX_RESPONSE_BYTES);
  const preview = typeof input === 'string' ? input.slice(0, 400) : input.subarray(0, 400).toString('utf8');
  if (!parsed.ok)
    throw new ConservatorResponseInvalid(`The conservator's ${what}: ${parsed.reason}`, excerpt(preview));
  const element = parsed.doc.documentElement;
  if (!element || element.localName !== root || element.namespaceURI)
    throw new ConservatorResponseInvalid(
      `The conservator's ${what} has the root <${element?.nodeName ?? '?'}>, expected <${root}> (no namespace)`,
      excerpt(preview),
    );
  return { what, root: element, text: parsed.text, schema };
}

/** Validates screened answers against their ParER schemas, one xmllint call per schema. */
export async function validateAnswers(
  answers: ReadonlyArray<Pick<ScreenedAnswer, 'what' | 'text' | 'schema'>>,
): Promise<void> {
  for (const schema of new Set(answers.map((a) => a.schema))) {
    const batch = answers.filter((a) => a.schema === schema);
    const results = await validateConservationXml(
      batch.map((a) => ({ name: a.what, xml: a.text })),
      schema,
    );
    for (const [i, result] of results.entries()) {
      if (result.errors.length > 0)
        throw new ConservatorResponseInvalid(
          `The conservator's ${result.name} does not follow its ParER schema: ${result.errors.slice(0, 3).join('; ')}`,
          excerpt(batch[i]?.text ?? ''),
        );
    }
  }
}

/** Screens, parses and validates one answer. */
export async function readTrustedAnswer(
  input: Buffer | string,
  what: string,
  root: string,
  schema: ConservationSchema,
): Promise<{ root: Element; text: string }> {
  const answer = screenAnswer(input, what, root, schema);
  await validateAnswers([answer]);
  return answer;
}

/** EsitoGenerale/CodiceEsito, refused when it is none of the known outcomes. */
export function outcomeCode(root: Element, what: string): 'POSITIVO' | 'NEGATIVO' | 'WARNING' {
  const code = pathValue(root, 'EsitoGenerale', 'CodiceEsito');
  if (!code || !OUTCOMES.has(code))
    throw new ConservatorResponseInvalid(
      `The conservator's ${what} has the outcome code "${code ?? ''}", none of POSITIVO, NEGATIVO, WARNING`,
    );
  return code as 'POSITIVO' | 'NEGATIVO' | 'WARNING';
}

/** EsitoGenerale's error, or null when it names none. */
export function generalError(root: Element): Reason | null {
  const code = pathValue(root, 'EsitoGenerale', 'CodiceErrore');
  if (!code) return null;
  return { code, message: pathValue(root, 'EsitoGenerale', 'MessaggioErrore') ?? '' };
}

export function furtherErrors(root: Element): Reason[] {
  return childElements(childElement(root, 'ErroriUlteriori'), 'Errore').map((e) => ({
    code: pathValue(e, 'CodiceErrore') ?? 'NEGATIVO',
    message: pathValue(e, 'MessaggioErrore') ?? '',
  }));
}

export function furtherWarnings(root: Element): Reason[] {
  return childElements(childElement(root, 'WarningUlteriori'), 'Warning').map((e) => ({
    code: pathValue(e, 'CodiceWarning') ?? 'WARNING',
    message: pathValue(e, 'MessaggioWarning') ?? '',
  }));
}

/** The documents of a UnitaDocumentaria, principal first (same order in request and answer). */
export function documentsOf(unit: Element | null): Element[] {
  if (!unit) return [];
  const principal = childElement(unit, 'DocumentoPrincipale');
  return [
    ...(principal ? [principal] : []),
    ...childElements(childElement(unit, 'Allegati'), 'Allegato'),
    ...childElements(childElement(unit, 'Annessi'), 'Annesso'),
    ...childElements(childElement(unit, 'Annotazioni'), 'Annotazione'),
  ];
}

/** Components of an answer's document whose EsitoComponente is the given outcome. */
export function componentsWithOutcome(
  answerUnit: Element | null,
  outcome: 'NEGATIVO' | 'WARNING',
): Array<{ document: number; order: string | null; name: string | null }> {
  const out: Array<{ document: number; order: string | null; name: string | null }> = [];
  documentsOf(answerUnit).forEach((doc, document) => {
    for (const c of childElements(pathElement(doc, 'Componenti'), 'Componente')) {
      if (pathValue(c, 'EsitoComponente', 'CodiceEsito') === outcome)
        out.push({
          document,
          order: pathValue(c, 'OrdinePresentazione'),
          name: pathValue(c, 'NomeComponente'),
        });
    }
  });
  return out;
}

/** Our request's component IDs by (document position, OrdinePresentazione) and by name. */
export function requestComponentIds(requestRoot: Element | null): {
  byOrder: Map<string, string>;
  byName: Map<string, string>;
} {
  const byOrder = new Map<string, string>();
  const byName = new Map<string, string>();
  documentsOf(requestRoot).forEach((doc, document) => {
    for (const c of childElements(pathElement(doc, 'StrutturaOriginale', 'Componenti'), 'Componente')) {
      const id = pathValue(c, 'ID');
      if (!id) continue;
      const order = pathValue(c, 'OrdinePresentazione');
      if (order) byOrder.set(`${document}:${Number(order)}`, id);
      const name = pathValue(c, 'NomeComponente');
      if (name) byName.set(name, id);
    }
  });
  return { byOrder, byName };
}
