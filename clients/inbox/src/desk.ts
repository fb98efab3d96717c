import {
  InboxPageWorkDocument,
  InboxPageCountsChangedDocument,
  InboxPageDeskDocument,
  InboxPageEntriesDocument,
  InboxPageTakeInChargeDocument,
  type InboxPageWorkSubscription,
  type InboxPageCountsFragment,
  type MeQuery,
  type InboxKind,
  type ProtocolKind,
} from '../../sdk/generated/graphql.js';
import type { Api } from './api.js';
import { byId, h, toast } from './dom.js';
import {
  ACTION_LABEL,
  INBOXES,
  type InboxDefinition,
  protocolNumber,
  isVisible,
  type Entry,
} from './labels.js';
import { entryRow } from './entry-row.js';
import { RejectDialog } from './reject-dialog.js';

const PAGE_SIZE = 25;
/** How long a row that just arrived stays highlighted. */
const NEW_FOR_MS = 60_000;

/**
 * The signed-in desk: the inboxes with their counts (kept current by `inboxChanged`), the
 * entries of the selected one (Relay pages), new work announced by `assignmentReceived`, and
 * the actions on an entry: take in charge, reject.
 */
export class Desk {
  private kind: InboxKind = 'AS_RPA';
  private counts: InboxPageCountsFragment | undefined;
  private entries: Entry[] = [];
  private endCursor: string | null = null;
  private hasMore = false;
  private totalCount = 0;
  private filter: { oggetto?: string; kind?: ProtocolKind } = {};
  /** Records announced while the page was open: id → when, for the highlight. */
  private readonly arrived = new Map<string, number>();
  private readonly stops: Array<() => void> = [];
  private stopWork: (() => void) | undefined;
  private lastEventId: string | null = null;
  /** The server's time when the desk loaded: announcements start there until one arrives. */
  private loadedAt: string | null = null;
  private readonly announced = new Set<string>();
  /** Ends the desk's listeners on the page's elements when the user signs out. */
  private readonly listening = new AbortController();
  private loading = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private reject: RejectDialog | undefined;

  private readonly nav = byId('inbox-nav', HTMLUListElement);
  private readonly title = byId('inbox-title', HTMLHeadingElement);
  private readonly hint = byId('inbox-hint', HTMLParagraphElement);
  private readonly table = byId('entries-table', HTMLTableElement);
  private readonly body = byId('entries', HTMLTableSectionElement);
  private readonly empty = byId('empty', HTMLParagraphElement);
  private readonly more = byId('more', HTMLButtonElement);
  private readonly total = byId('total', HTMLSpanElement);

  constructor(
    private readonly api: Api,
    private readonly me: NonNullable<MeQuery['me']>,
  ) {}

  async start(): Promise<void> {
    const desk = await this.api.request(InboxPageDeskDocument);
    this.loadedAt = desk.serverInfo.time;
    this.counts = desk.inboxCounts;
    this.reject = new RejectDialog(this.api, desk.aoos, () => this.reload(), this.listening.signal);
    this.renderNav();
    this.bindControls();
    void this.reload();
    this.stops.push(
      this.api.subscribe(
        InboxPageCountsChangedDocument,
        {},
        {
          next: ({ inboxChanged }) => this.countsChanged(inboxChanged),
          error: (e) => toast(e.message, 'error', 'Aggiornamento conteggi'),
        },
      ),
    );
    this.listenForWork();
  }

  /**
   * assignmentReceived from the last notice seen (or from the desk's load): the server first
   * replays what the desk missed, e.g. while the connection was down, so no new work goes
   * unannounced.
   */
  private listenForWork(): void {
    this.stopWork?.();
    this.stopWork = this.api.subscribe(
      InboxPageWorkDocument,
      this.lastEventId !== null ? { since: this.lastEventId } : { sinceTime: this.loadedAt },
      {
        next: ({ assignmentReceived }) => this.received(assignmentReceived),
        error: (e) => toast(e.message, 'error', 'Notifiche'),
      },
    );
  }

  /** The socket is back after a drop: catch up on notices, and on the list. */
  resync(): void {
    this.listenForWork();
    this.scheduleReload();
  }

  stop(): void {
    this.reject?.close();
    this.stopWork?.();
    for (const stop of this.stops.splice(0)) stop();
    this.listening.abort();
    clearTimeout(this.reloadTimer);
  }

  /** New counts: the sidebar follows, and the list too when its own inbox changed. */
  private countsChanged(counts: InboxPageCountsFragment): void {
    const field = this.definition().count;
    const changed = this.counts?.[field] !== counts[field];
    this.counts = counts;
    this.renderCounts();
    if (changed) this.scheduleReload();
  }

  private received(notice: InboxPageWorkSubscription['assignmentReceived']): void {
    // A replay after reconnecting may repeat a notice already shown.
    if (this.announced.has(notice.eventId)) return;
    this.announced.add(notice.eventId);
    // Event ids grow with time (the workflow history's sequence); a replay may come after a later one.
    if (this.lastEventId === null || BigInt(notice.eventId) > BigInt(this.lastEventId)) {
      this.lastEventId = notice.eventId;
    }
    const { record, step } = notice;
    if (record) {
      this.arrived.set(record.id, performance.now());
      const from = step?.fromUor ? ` da ${step.fromUor.code}` : '';
      toast(`${protocolNumber(record)} · ${record.oggetto}${from}`, 'info', ACTION_LABEL[notice.action]);
    }
    this.scheduleReload();
  }

  /** Events come in bursts (a smistamento to three UORs): one reload for the burst. */
  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(), 150);
  }

  private definition(): InboxDefinition {
    const found = INBOXES.find((i) => i.kind === this.kind);
    if (!found) throw new Error(`No inbox ${this.kind}`);
    return found;
  }

  private renderNav(): void {
    this.nav.replaceChildren(
      ...INBOXES.map((inbox) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'inbox', 'data-kind': inbox.kind },
            h('span', { class: 'inbox-label' }, inbox.label),
            h('span', { class: 'count', 'data-count': inbox.kind }, '–'),
          ),
        ),
      ),
    );
    this.renderCounts();
    this.renderSelection();
  }

  private renderCounts(): void {
    for (const inbox of INBOXES) {
      const badge = this.nav.querySelector<HTMLSpanElement>(`[data-count="${inbox.kind}"]`);
      if (!badge) continue;
      const value = this.counts?.[inbox.count];
      badge.textContent = value === undefined ? '–' : String(value);
      badge.classList.toggle('count-zero', value === 0);
    }
  }

  private renderSelection(): void {
    const definition = this.definition();
    for (const button of this.nav.querySelectorAll<HTMLButtonElement>('button[data-kind]')) {
      if (button.dataset['kind'] === this.kind) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    }
    this.title.textContent = definition.label;
    this.hint.textContent = definition.hint;
    document.title = `${definition.label} · Scrivania del protocollo`;
  }

  private bindControls(): void {
    const { signal } = this.listening;
    this.nav.addEventListener(
      'click',
      (event) => {
        const button = (event.target as Element).closest<HTMLButtonElement>('button[data-kind]');
        const kind = button?.dataset['kind'] as InboxKind | undefined;
        if (!kind || kind === this.kind) return;
        this.kind = kind;
        this.renderSelection();
        void this.reload();
      },
      { signal },
    );
    const search = byId('filter-oggetto', HTMLInputElement);
    const kind = byId('filter-kind', HTMLSelectElement);
    let typing: ReturnType<typeof setTimeout> | undefined;
    const apply = () => {
      const oggetto = search.value.trim();
      this.filter = {
        ...(oggetto ? { oggetto } : {}),
        ...(kind.value ? { kind: kind.value as ProtocolKind } : {}),
      };
      void this.reload();
    };
    search.addEventListener(
      'input',
      () => {
        clearTimeout(typing);
        typing = setTimeout(apply, 300);
      },
      { signal },
    );
    kind.addEventListener('change', apply, { signal });
    byId('filter', HTMLFormElement).addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        clearTimeout(typing);
        apply();
      },
      { signal },
    );
    byId('refresh', HTMLButtonElement).addEventListener('click', () => void this.reload(), { signal });
    this.more.addEventListener('click', () => void this.load(false), { signal });
    this.body.addEventListener(
      'click',
      (event) => {
        const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
        const entry = this.entries.find((e) => e.id === button?.dataset['entry']);
        if (!button || !entry) return;
        if (button.dataset['action'] === 'take') void this.takeInCharge(entry, button);
        else this.reject?.open(entry);
      },
      { signal },
    );
  }

  reload(): Promise<void> {
    return this.load(true);
  }

  /** The first page again (after a change), or the next one ("Mostra altri"). */
  private async load(fromStart: boolean): Promise<void> {
    const ticket = ++this.loading;
    this.table.setAttribute('aria-busy', 'true');
    try {
      const { inbox } = await this.api.request(InboxPageEntriesDocument, {
        kind: this.kind,
        filter: this.filter,
        first: PAGE_SIZE,
        after: fromStart ? null : this.endCursor,
      });
      if (ticket !== this.loading) return; // a newer load (another inbox, a new filter) won
      const nodes = inbox.edges.map((e) => e.node).filter(isVisible);
      this.entries = fromStart ? nodes : [...this.entries, ...nodes];
      this.endCursor = inbox.pageInfo.endCursor;
      this.hasMore = inbox.pageInfo.hasNextPage;
      this.totalCount = inbox.totalCount;
      this.renderEntries();
    } catch (e) {
      if (ticket === this.loading)
        toast(e instanceof Error ? e.message : String(e), 'error', 'Caricamento non riuscito');
    } finally {
      if (ticket === this.loading) this.table.removeAttribute('aria-busy');
    }
  }

  private renderEntries(): void {
    const now = performance.now();
    this.body.replaceChildren(
      ...this.entries.map((entry) => {
        const arrivedAt = this.arrived.get(entry.record.id);
        return entryRow(entry, {
          isNew: arrivedAt !== undefined && now - arrivedAt < NEW_FOR_MS,
          meId: this.me.id,
          kind: this.kind,
        });
      }),
    );
    this.empty.hidden = this.entries.length > 0;
    this.table.hidden = this.entries.length === 0;
    this.more.hidden = !this.hasMore;
    this.total.textContent = this.totalCount === 1 ? '1 documento' : `${this.totalCount} documenti`;
  }

  private async takeInCharge(entry: Entry, button: HTMLButtonElement): Promise<void> {
    if (!entry.assignment) return;
    button.disabled = true;
    try {
      await this.api.request(InboxPageTakeInChargeDocument, { assignmentId: entry.assignment.id });
      toast(`${protocolNumber(entry.record)} · ${entry.record.oggetto}`, 'success', 'Preso in carico');
      await this.reload();
    } catch (e) {
      button.disabled = false;
      toast(e instanceof Error ? e.message : String(e), 'error', 'Presa in carico non riuscita');
    }
  }
}
