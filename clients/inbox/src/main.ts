import { HeartbeatDocument, MeDocument } from '../../sdk/generated/graphql.js';
import { Api, ApiError, type LiveState } from './api.js';
import { Desk } from './desk.js';
import { byId } from './dom.js';

/**
 * The live inbox page: sign in with a bearer token, then the desk (inboxes with counts, the
 * selected inbox's entries, live updates). The token stays in sessionStorage: it is gone when
 * the tab closes, and no other site can read it.
 */
const TOKEN_KEY = 'dms.inbox.token';
const ENDPOINT = new URL('/graphql', location.origin).toString();

const signIn = byId('sign-in', HTMLElement);
const signInForm = byId('sign-in-form', HTMLFormElement);
const tokenInput = byId('token', HTMLTextAreaElement);
const signInError = byId('sign-in-error', HTMLParagraphElement);
const session = byId('session', HTMLDivElement);
const who = byId('who', HTMLSpanElement);
const live = byId('live', HTMLSpanElement);
const liveText = byId('live-text', HTMLSpanElement);
const deskElement = byId('desk', HTMLDivElement);

let current: { api: Api; desk: Desk } | undefined;

const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connessione…',
  live: 'In tempo reale',
  reconnecting: 'Riconnessione…',
  closed: 'Non connesso',
};

function showLive(state: LiveState): void {
  // Back after a drop: the desk catches up on what it missed.
  if (state === 'live' && live.dataset['state'] === 'reconnecting') current?.desk.resync();
  // A status region: rewriting the same text would announce it again on every heartbeat.
  if (live.dataset['state'] === state) return;
  live.dataset['state'] = state;
  liveText.textContent = LIVE_TEXT[state];
}

function showSignIn(message?: string): void {
  current?.desk.stop();
  current?.api.dispose();
  current = undefined;
  sessionStorage.removeItem(TOKEN_KEY);
  deskElement.hidden = true;
  session.hidden = true;
  signIn.hidden = false;
  signInError.hidden = !message;
  signInError.textContent = message ?? '';
  document.title = 'Accedi · Scrivania del protocollo';
  tokenInput.focus();
}

async function start(token: string): Promise<void> {
  const api: Api = new Api(ENDPOINT, token, {
    onState: (state) => current?.api === api && showLive(state),
    onSignedOut: (reason) =>
      current?.api === api && showSignIn(`Sessione terminata: ${reason}. Accedi di nuovo.`),
  });
  try {
    const { me } = await api.request(MeDocument);
    if (!me) throw new ApiError('Token non valido', 'UNAUTHENTICATED', 401);
    sessionStorage.setItem(TOKEN_KEY, token);
    current = { api, desk: new Desk(api, me) };
    who.textContent = [me.givenName, me.familyName].join(' ');
    who.title = me.username;
    signIn.hidden = true;
    session.hidden = false;
    deskElement.hidden = false;
    showLive('connecting');
    // The heartbeat keeps the socket open and proves it alive even when no work arrives.
    api.subscribe(HeartbeatDocument, { intervalSeconds: 15 }, { next: () => showLive('live') });
    await current.desk.start();
  } catch (e) {
    api.dispose();
    const message =
      e instanceof ApiError && e.code === 'UNAUTHENTICATED'
        ? 'Token non valido o scaduto: richiedine uno nuovo.'
        : `Accesso non riuscito: ${e instanceof Error ? e.message : String(e)}`;
    showSignIn(message);
  }
}

signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim().replace(/^Bearer\s+/i, '');
  if (token) void start(token);
});
byId('sign-out', HTMLButtonElement).addEventListener('click', () => showSignIn());

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) void start(saved);
else showSignIn();
