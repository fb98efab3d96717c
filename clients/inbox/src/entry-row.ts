import type { InboxKind } from '../../sdk/generated/graphql.js';
import { h } from './dom.js';
import { KIND_LABEL, STATE_LABEL, formatDateTime, protocolNumber, type Entry } from './labels.js';

export interface RowContext {
  /** Announced by assignmentReceived a moment ago: highlighted, with a "Nuovo" badge. */
  isNew: boolean;
  meId: string;
  /** The inbox shown: CC and rejected entries are not the caller's to reject. */
  kind: InboxKind;
}

/**
 * One entry of an inbox as a table row. The actions are offered as the state suggests (take in
 * charge: a paper assignment waiting for its RPA, the caller; reject: an active competence);
 * the server decides, and the page shows its refusal if it disagrees.
 */
export function entryRow(entry: Entry, { isNew, meId, kind }: RowContext): HTMLTableRowElement {
  const { record, assignment } = entry;
  const uor = assignment?.uor ?? record.uor;
  const mine = assignment?.rpa?.id === meId;
  const active = assignment && ['DA_ASSEGNARE', 'ASSEGNATO', 'IN_CARICO'].includes(assignment.state);
  const canTake = assignment?.state === 'ASSEGNATO' && mine;
  const canReject = active && kind !== 'AS_CC' && kind !== 'REJECTED';
  const number = protocolNumber(record);
  return h(
    'tr',
    { class: isNew ? 'entry is-new' : 'entry', 'data-record': record.id, 'data-entry': entry.id },
    h(
      'th',
      { scope: 'row', class: 'number' },
      number,
      isNew ? h('span', { class: 'badge badge-new' }, 'Nuovo') : null,
    ),
    h(
      'td',
      { class: 'oggetto' },
      h('span', {}, record.oggetto),
      assignment?.paper ? h('span', { class: 'badge', title: 'Documento cartaceo' }, 'Cartaceo') : null,
      assignment && !assignment.prevalent
        ? h('span', { class: 'badge', title: 'Competenza non prevalente' }, 'Co-competenza')
        : null,
    ),
    h('td', {}, h('span', { class: `kind kind-${record.kind.toLowerCase()}` }, KIND_LABEL[record.kind])),
    h('td', { title: uor?.name ?? '' }, uor?.code ?? '—'),
    h(
      'td',
      { class: 'received' },
      h('time', { datetime: entry.receivedAt }, formatDateTime(entry.receivedAt)),
    ),
    h(
      'td',
      {},
      assignment
        ? h('span', { class: `state state-${assignment.state.toLowerCase()}` }, STATE_LABEL[assignment.state])
        : h('span', { class: 'state' }, 'Per conoscenza'),
    ),
    h(
      'td',
      { class: 'actions' },
      h(
        'div',
        { class: 'row-actions' },
        canTake
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn primary small',
                'data-action': 'take',
                'data-entry': entry.id,
                'aria-label': `Prendi in carico ${number}`,
              },
              'Prendi in carico',
            )
          : null,
        canReject
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn ghost small',
                'data-action': 'reject',
                'data-entry': entry.id,
                'aria-label': `Rigetta ${number}`,
              },
              'Rigetta',
            )
          : null,
      ),
    ),
  );
}
