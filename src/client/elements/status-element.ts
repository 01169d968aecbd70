/**
 * `<tablesync-status>`: online or offline, changes waiting, failed and held counts, the last sync,
 * a blocked reason in plain words, pull progress, and a "Sync now" button. It follows the worker's
 * `status`, `progress`, `pushed` and `pulled` events; its live region says what changed.
 */
import type { SyncStatus } from '../../protocol.js';
import { reasonOf, type ElementClient } from './element-client.js';
import { h } from './dom.js';
import { SyncElement } from './sync-element.js';
import { agoWords, blockedWords, count } from './words.js';

const CSS = `
.frame { background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.6em 0.9em; }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em 0.9em; }
.counts { flex: 1 1 auto; display: flex; flex-wrap: wrap; gap: 0 0.9em; min-width: 0; }
.end { margin-left: auto; display: flex; align-items: center; gap: 0.9em; white-space: nowrap; }
.counts > span + span::before { content: '·'; margin-right: 0.9em; color: var(--_muted); }
.held { color: var(--_warning); font-weight: 600; }
.failed { color: var(--_danger); font-weight: 600; }
.last { font-size: 0.9em; }
.line { margin: 0.55em 0 0; display: flex; align-items: center; gap: 0.6em; font-size: 0.9em; }
.line[hidden] { display: none; }
.notice { color: var(--_warning); }
.message.error { color: var(--_danger); }
progress { width: 6em; height: 0.5em; accent-color: var(--_accent); }
`;

/** The element's view of the world, drawn by `#render`. */
interface View {
  readonly status: SyncStatus | null;
  readonly browserOnline: boolean;
  /** A page `online` event seen since the last settled status: trust it until the worker reports otherwise. */
  readonly onlineHint: boolean;
  readonly lastSyncAt: number | null;
  readonly progress: { readonly table: string; readonly rows: number } | null;
  readonly syncing: boolean;
  readonly message: { readonly text: string; readonly error: boolean } | null;
}

/** The `<tablesync-status>` element. */
export class TablesyncStatusElement extends SyncElement {
  #view: View = { status: null, browserOnline: true, onlineHint: false, lastSyncAt: null, progress: null, syncing: false, message: null };
  #hasClient = false;
  /** What the live region last summarised; null until the first status (which is not announced). */
  #summary: string | null = null;
  readonly #badge = h('span', { class: 'badge idle', part: 'badge' });
  readonly #counts = h('span', { class: 'counts', part: 'counts' });
  readonly #last = h('span', { class: 'last muted', part: 'last-sync' });
  readonly #button = h('button', { type: 'button', part: 'button sync-button' }, 'Sync now');
  readonly #notice = h('p', { class: 'line notice', part: 'notice', hidden: true });
  readonly #progressText = h('span', {});
  readonly #progress = h('p', { class: 'line muted', part: 'progress', hidden: true }, h('progress', { 'aria-hidden': 'true' }), this.#progressText);
  readonly #message = h('p', { class: 'line message', part: 'message', hidden: true });

  constructor() {
    super(CSS);
    this.#button.addEventListener('click', () => void this.#syncNow());
    this.root.append(
      h(
        'div',
        { class: 'frame', part: 'frame' },
        h('div', { class: 'bar', role: 'group', 'aria-label': 'Sync status', part: 'bar' }, this.#badge, this.#counts, h('span', { class: 'end' }, this.#last, this.#button)),
        this.#notice,
        this.#progress,
        this.#message,
      ),
    );
  }

  protected bind(client: ElementClient | null): void {
    this.#hasClient = client !== null;
    this.#update({ browserOnline: navigator.onLine, status: null });
    this.#summary = null;
    this.listen(window, 'online', () => {
      this.#update({ browserOnline: true, onlineHint: true });
      void this.#refresh();
    });
    this.listen(window, 'offline', () => this.#update({ browserOnline: false, onlineHint: false }));
    // The last sync's "5 minutes ago" ages while nothing else happens.
    const timer = setInterval(() => this.#render(), 30_000);
    this.keep(() => clearInterval(timer));
    if (client === null) return;
    this.keep(client.on('status', (event) => this.#status(event.status)));
    this.keep(client.on('progress', (event) => this.#update({ progress: { table: event.table, rows: event.rows } })));
    this.keep(client.on('pulled', () => this.#update({ progress: null })));
    this.keep(client.on('pushed', () => void this.#refresh()));
    void this.#refresh();
  }

  async #refresh(): Promise<void> {
    const client = this.client;
    if (client === null) return;
    try {
      this.#status(await client.status());
    } catch {
      // The next event or refresh tries again; a worker that never answers leaves "Connecting…".
    }
  }

  #status(status: SyncStatus): void {
    const settled = !status.pushing && !status.pulling;
    const candidates = status.online && settled ? [status.lastPullAt, status.lastPushAt].filter((at): at is number => at !== null) : [];
    const last = Math.max(this.#view.lastSyncAt ?? 0, ...candidates);
    this.#update({
      status,
      onlineHint: this.#view.onlineHint && !settled,
      lastSyncAt: last > 0 ? last : null,
      ...(status.pulling ? {} : { progress: null }),
    });
  }

  #update(change: Partial<View>): void {
    this.#view = { ...this.#view, ...change };
    this.#render();
  }

  /** Online as far as this page can tell: the browser has a network and the worker's last request got an answer. */
  #network(): 'online' | 'offline' | 'unreachable' | 'unknown' {
    const { status, browserOnline, onlineHint } = this.#view;
    if (!browserOnline) return 'offline';
    if (status === null) return 'unknown';
    return status.online || onlineHint ? 'online' : 'unreachable';
  }

  /** The state in one sentence, for the live region. */
  #summarise(): string | null {
    const { status } = this.#view;
    if (status === null) return null;
    const network = this.#network();
    const parts: string[] = [];
    if (network === 'offline') parts.push('Offline. Changes are kept on this device.');
    else if (network === 'unreachable') parts.push('The server cannot be reached. Changes are kept on this device.');
    if (status.pending > 0) parts.push(`${count(status.pending, 'change', 'changes')} waiting to sync.`);
    if (status.held > 0) parts.push(`${count(status.held, 'conflict needs', 'conflicts need')} your decision.`);
    if (status.failed > 0) parts.push(`${count(status.failed, 'change', 'changes')} failed.`);
    if (status.blockedReason !== null) parts.push(blockedWords[status.blockedReason]);
    if (parts.length === 0) parts.push('All changes synced.');
    return parts.join(' ');
  }

  #render(): void {
    const view = this.#view;
    const { status } = view;
    const network = this.#network();
    this.dataset['state'] = network;
    if (status === null) delete this.dataset['pending'];
    else this.dataset['pending'] = String(status.pending);

    const badgeText = !this.#hasClient ? 'Not connected' : { online: 'Online', offline: 'Offline', unreachable: 'Server unreachable', unknown: 'Connecting…' }[network];
    this.#badge.textContent = badgeText;
    this.#badge.className = `badge ${network === 'online' ? '' : network === 'unknown' ? 'idle' : 'offline'}`.trim();

    const counts: HTMLElement[] = [];
    if (status !== null) {
      const settled = status.pending === 0 && status.held === 0 && status.failed === 0;
      if (settled) counts.push(h('span', { class: 'pending' }, 'All changes synced'));
      else if (status.pending > 0) counts.push(h('span', { class: 'pending' }, `${count(status.pending, 'change', 'changes')} waiting`));
      if (status.held > 0) counts.push(h('span', { class: 'held' }, count(status.held, 'conflict', 'conflicts')));
      if (status.failed > 0) counts.push(h('span', { class: 'failed' }, `${status.failed} failed`));
    }
    this.#counts.replaceChildren(...counts);

    if (view.lastSyncAt === null) this.#last.replaceChildren(status === null ? '' : 'Not synced yet');
    else {
      const at = new Date(view.lastSyncAt);
      this.#last.replaceChildren('Synced ', h('time', { datetime: at.toISOString(), title: at.toLocaleString() }, agoWords(view.lastSyncAt, Date.now())));
    }

    this.#button.textContent = view.syncing ? 'Syncing…' : 'Sync now';
    // aria-disabled rather than disabled: a focused button keeps its focus while a sync runs.
    this.#button.setAttribute('aria-disabled', String(view.syncing || !this.#hasClient));
    this.#button.toggleAttribute('aria-busy', view.syncing);

    const blocked = status?.blockedReason ?? null;
    this.#notice.hidden = blocked === null;
    this.#notice.textContent = blocked === null ? '' : blockedWords[blocked];

    this.#progress.hidden = view.progress === null;
    this.#progressText.textContent = view.progress === null ? '' : `Receiving ${view.progress.table}: ${count(view.progress.rows, 'row', 'rows')}`;

    this.#message.hidden = view.message === null;
    this.#message.textContent = view.message?.text ?? '';
    this.#message.classList.toggle('error', view.message?.error === true);

    const summary = this.#summarise();
    if (summary !== null && this.#summary !== null && summary !== this.#summary) this.announce(summary);
    if (summary !== null) this.#summary = summary;
  }

  async #syncNow(): Promise<void> {
    const client = this.client;
    if (client === null || this.#view.syncing) return;
    this.#update({ syncing: true, message: null });
    let message: View['message'] = null;
    try {
      await client.sync();
      const status = await client.status();
      this.#status(status);
      if (!status.online || !navigator.onLine) message = { text: 'Could not reach the server. Your changes are kept on this device and sent when it can be reached.', error: false };
    } catch (error) {
      message = { text: `Sync failed: ${reasonOf(error)}`, error: true };
    }
    this.#update({ syncing: false, message });
    this.announce(message?.text ?? `Sync finished. ${this.#summarise() ?? ''}`.trim());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tablesync-status': TablesyncStatusElement;
  }
}
