import type {
  AssignmentState,
  InboxPageEntryFragment,
  InboxPageCountsFragment,
  InboxKind,
  ProtocolKind,
  WorkflowAction,
} from '../../sdk/generated/graphql.js';

/**
 * The page speaks Italian, the language of its users and of the register (001, 002); the
 * code and the API keep their English structure with the Italian legal terms.
 */

export interface InboxDefinition {
  kind: InboxKind;
  label: string;
  /** What the inbox holds, for the panel's subtitle. */
  hint: string;
  count: keyof InboxPageCountsFragment;
}

/** In the order of the sidebar: my work first, then my offices', then the protocol office's. */
export const INBOXES: readonly InboxDefinition[] = [
  { kind: 'AS_RPA', label: 'Assegnati a me', hint: 'Documenti di cui sei RPA', count: 'asRpa' },
  {
    kind: 'TO_TAKE_IN_CHARGE',
    label: 'Da prendere in carico',
    hint: 'Documenti cartacei assegnati a te, in attesa di presa in carico',
    count: 'toTakeInCharge',
  },
  {
    kind: 'AS_CC',
    label: 'Per conoscenza',
    hint: 'Inviati per conoscenza a te o alle tue UOR',
    count: 'asCc',
  },
  { kind: 'MY_UORS', label: 'Delle mie UOR', hint: 'Assegnazioni attive delle tue UOR', count: 'myUors' },
  {
    kind: 'TO_ASSIGN',
    label: 'Da assegnare',
    hint: 'Smistati alle UOR che assegni, in attesa di un RPA',
    count: 'toAssign',
  },
  {
    kind: 'REJECTED',
    label: 'Rigettati',
    hint: "Rigettati dalle UOR, da smistare di nuovo dall'ufficio protocollo",
    count: 'rejected',
  },
];

export const KIND_LABEL: Record<ProtocolKind, string> = {
  ARRIVO: 'Arrivo',
  PARTENZA: 'Partenza',
  INTERNO: 'Interno',
};

export const STATE_LABEL: Record<AssignmentState, string> = {
  DA_ASSEGNARE: 'Da assegnare',
  ASSEGNATO: 'Assegnato',
  IN_CARICO: 'In carico',
  RIGETTATO: 'Rigettato',
  TRASFERITO: 'Trasferito',
};

export const ACTION_LABEL: Record<WorkflowAction, string> = {
  SMISTAMENTO: 'Smistato alla tua UOR',
  CONOSCENZA: 'Ricevuto per conoscenza',
  ASSEGNAZIONE: 'Assegnato a te',
  PRESA_IN_CARICO: 'Preso in carico',
  RIGETTO: 'Rigettato',
  TRASFERIMENTO: 'Competenza trasferita alla tua UOR',
  RESTITUZIONE: 'Restituito alla UOR',
};

/** Times as the register shows them: Italian format, Rome's time zone whatever the browser's. */
const DATE_TIME = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export function formatDateTime(iso: string): string {
  return DATE_TIME.format(new Date(iso));
}

/** An entry whose registration the caller may see (the API answers null for the others). */
export type Entry = InboxPageEntryFragment & { record: NonNullable<InboxPageEntryFragment['record']> };

export function isVisible(entry: InboxPageEntryFragment): entry is Entry {
  return entry.record !== null;
}

/** Protocol number as written on documents: 0000042/2026. */
export function protocolNumber(record: { formattedNumber: string; year: number }): string {
  return `${record.formattedNumber}/${record.year}`;
}
