import { InboxPageRejectDocument, type InboxPageDeskQuery } from '../../sdk/generated/graphql.js';
import { ApiError, type Api } from './api.js';
import { byId, h, toast } from './dom.js';
import { protocolNumber, type Entry } from './labels.js';

/**
 * Rigetto: the UOR gives the record back to the protocol office, with a mandatory note and the
 * UOR it believes competent (DOMAIN §6). The server checks who may reject and how many times.
 */
export class RejectDialog {
  private readonly dialog = byId('reject-dialog', HTMLDialogElement);
  private readonly form = byId('reject-form', HTMLFormElement);
  private readonly record = byId('reject-record', HTMLParagraphElement);
  private readonly uor = byId('reject-uor', HTMLSelectElement);
  private readonly note = byId('reject-note', HTMLTextAreaElement);
  private readonly error = byId('reject-error', HTMLParagraphElement);
  private readonly submit = byId('reject-submit', HTMLButtonElement);
  private entry: Entry | undefined;

  constructor(
    private readonly api: Api,
    private readonly aoos: InboxPageDeskQuery['aoos'],
    private readonly done: () => Promise<void>,
    signal: AbortSignal,
  ) {
    this.form.addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        void this.send();
      },
      { signal },
    );
    byId('reject-cancel', HTMLButtonElement).addEventListener('click', () => this.dialog.close(), { signal });
  }

  open(entry: Entry): void {
    this.entry = entry;
    this.record.textContent = `${protocolNumber(entry.record)} · ${entry.record.oggetto}`;
    const own = entry.assignment?.uor?.id;
    const groups = this.aoos.map((aoo) =>
      h(
        'optgroup',
        { label: aoo.name },
        ...aoo.uors
          .filter((u) => u.id !== own)
          .map((u) => h('option', { value: u.id }, `${u.code} · ${u.name}`)),
      ),
    );
    this.uor.replaceChildren(h('option', { value: '' }, 'Scegli la UOR competente…'), ...groups);
    this.note.value = '';
    this.error.hidden = true;
    this.submit.disabled = false;
    this.dialog.showModal();
    this.uor.focus();
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }

  private async send(): Promise<void> {
    const assignment = this.entry?.assignment;
    const note = this.note.value.trim();
    if (!assignment || !this.entry) return;
    if (!note || !this.uor.value) {
      this.showError('Scrivi la motivazione e scegli la UOR competente.');
      return;
    }
    this.submit.disabled = true;
    try {
      await this.api.request(InboxPageRejectDocument, {
        input: { assignmentId: assignment.id, note, suggestedUorId: this.uor.value },
      });
      this.dialog.close();
      toast(`${protocolNumber(this.entry.record)} · ${this.entry.record.oggetto}`, 'success', 'Rigettato');
      await this.done();
    } catch (e) {
      this.submit.disabled = false;
      this.showError(e instanceof ApiError ? `${e.message} (${e.code})` : String(e));
    }
  }

  private showError(message: string): void {
    this.error.textContent = message;
    this.error.hidden = false;
  }
}
