/**
 * `<tablesync-conflicts>`: every held conflict (K-09) as a table of its app fields, before (base),
 * mine (local) and theirs (server), with a pick per field and "Keep mine", "Keep theirs" and
 * "Save merge" per conflict, plus "Keep mine for all" and "Keep theirs for all". Resolving calls
 * `resolve()` (K-10) and then `push()`; the live region says what was kept, and focus moves to the
 * next conflict so keyboard use carries on. Attribute `table` limits it to one table.
 */
import type { Conflict, Resolution } from '../../protocol.js';
import { codeOf, reasonOf, type ElementClient } from './element-client.js';
import { canPickFields, fieldsOf, liveServerRow, resolutionFor, suggestedPicks, type FieldDiff, type Side } from './conflict-fields.js';
import { h, hidden } from './dom.js';
import { CONFLICTS_CSS } from './conflicts-css.js';
import { SyncElement } from './sync-element.js';
import { conflictWords, count, valueWords } from './words.js';

/** What "Keep mine", "Keep theirs" and "Save merge" say they kept. */
type Kept = 'mine' | 'theirs' | 'merge';

const keptWords = (kept: Kept, title: string): string =>
  kept === 'mine' ? `Kept your version of ${title}.` : kept === 'theirs' ? `Kept the server's version of ${title}.` : `Saved your merge of ${title}.`;

/** A person's name for the item: its first text field among the usual ones, else its id. */
function titleOf(conflict: Conflict): string {
  for (const row of [conflict.localRow, liveServerRow(conflict), conflict.baseRow]) {
    for (const field of ['title', 'name', 'text', 'label', 'subject']) {
      const value = row?.[field];
      if (typeof value === 'string' && value.trim() !== '') return `“${value.trim()}”`;
    }
  }
  return conflict.itemId;
}

/** One conflict's card, kept while its conflict is unchanged. */
interface Card {
  readonly conflict: Conflict;
  readonly key: string;
  readonly element: HTMLLIElement;
  readonly heading: HTMLElement;
  readonly picks: Map<string, Side>;
  readonly error: HTMLElement;
}

/** The `<tablesync-conflicts>` element. */
export class TablesyncConflictsElement extends SyncElement {
  static readonly observedAttributes = ['table'];
  readonly #cards = new Map<number, Card>();
  /** Being resolved, or resolved and not yet gone from the worker's list. */
  readonly #settling = new Set<number>();
  readonly #title = h('h2', { id: 'title' });
  readonly #all = h('div', { class: 'all', role: 'group', 'aria-label': 'All conflicts' });
  readonly #list = h('ol', { 'aria-labelledby': 'title' });
  readonly #done = h('p', { class: 'done', tabindex: '-1', hidden: true }, 'All conflicts are resolved.');
  #serial = 0;
  #refreshing: Promise<void> | null = null;
  #again = false;

  constructor() {
    super(CONFLICTS_CSS);
    const keepAll = (kept: 'mine' | 'theirs', label: string) =>
      h('button', { type: 'button', part: 'button', 'data-action': `all-${kept}` }, label);
    const mineAll = keepAll('mine', 'Keep mine for all');
    const theirsAll = keepAll('theirs', 'Keep theirs for all');
    mineAll.addEventListener('click', () => void this.#resolveAll('mine'));
    theirsAll.addEventListener('click', () => void this.#resolveAll('theirs'));
    this.#all.append(mineAll, theirsAll);
    this.root.append(h('section', { class: 'panel', part: 'panel', 'aria-labelledby': 'title' }, h('div', { class: 'head' }, this.#title, this.#all), this.#list, this.#done));
  }

  attributeChangedCallback(): void {
    if (this.isConnected) void this.refresh();
  }

  /** The conflicts on show. */
  get conflicts(): readonly Conflict[] {
    return [...this.#cards.values()].map((card) => card.conflict);
  }

  protected bind(client: ElementClient | null): void {
    for (const id of [...this.#cards.keys()]) this.#remove(id);
    this.#draw();
    if (client === null) return;
    this.keep(client.on('conflict', () => void this.refresh()));
    // Held counts change when a conflict is resolved elsewhere (another tab) or a new one is held.
    let held: number | null = null;
    this.keep(
      client.on('status', (event) => {
        if (event.status.held !== held) void this.refresh();
        held = event.status.held;
      }),
    );
    this.keep(client.on('pushed', () => void this.refresh()));
    void this.refresh();
  }

  /** Reads the held conflicts again (coalesced: one read at a time, one more if asked meanwhile). */
  refresh(): Promise<void> {
    if (this.#refreshing !== null) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          const client = this.client;
          if (client === null) return;
          const table = this.getAttribute('table');
          this.#show(await client.conflicts(table === null || table === '' ? undefined : table));
        } while (this.#again);
      } catch {
        // The next event refreshes again.
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  #show(conflicts: readonly Conflict[]): void {
    const ids = new Set(conflicts.map((conflict) => conflict.id));
    for (const id of [...this.#settling]) if (!ids.has(id)) this.#settling.delete(id);
    for (const id of [...this.#cards.keys()]) if (!ids.has(id)) this.#remove(id);
    for (const conflict of conflicts) {
      if (this.#settling.has(conflict.id)) continue;
      const key = JSON.stringify(conflict);
      const existing = this.#cards.get(conflict.id);
      if (existing?.key === key) continue;
      // New, or changed since drawn (a write onto a held op changes its local row, W-14): drawn again, picks kept.
      const card = this.#card(conflict, key, existing?.picks);
      if (existing) existing.element.replaceWith(card.element);
      else this.#list.append(card.element);
      this.#cards.set(conflict.id, card);
    }
    this.#draw();
  }

  #draw(): void {
    const shown = this.#cards.size;
    this.dataset['count'] = String(shown);
    this.#title.textContent = shown === 0 ? 'Conflicts' : `${count(shown, 'conflict needs', 'conflicts need')} your decision`;
    this.#all.hidden = shown < 2;
    if (shown > 0) this.#done.hidden = true;
    this.toggleAttribute('data-all-resolved', !this.#done.hidden);
  }

  #remove(id: number): void {
    this.#cards.get(id)?.element.remove();
    this.#cards.delete(id);
  }

  #card(conflict: Conflict, key: string, earlier?: ReadonlyMap<string, Side>): Card {
    const n = ++this.#serial;
    const fields = fieldsOf(conflict);
    const pickable = canPickFields(conflict);
    const picks = suggestedPicks(fields);
    for (const [name, side] of earlier ?? []) if (picks.has(name)) picks.set(name, side);
    const title = titleOf(conflict);
    const headingId = `c${n}-title`;
    const heading = h('h3', { id: headingId, tabindex: '-1' }, title, h('span', { class: 'where' }, `${conflict.table} · ${conflict.itemId}`));
    const theirs = liveServerRow(conflict);

    const cell = (field: FieldDiff, side: Side): HTMLTableCellElement => {
      const value = side === 'mine' ? field.mine : field.theirs;
      const changed = side === 'mine' ? field.mineChanged : field.theirsChanged;
      const gone = side === 'mine' ? conflict.localRow === null : theirs === null;
      if (gone) return h('td', { class: 'gone' }, 'deleted');
      const text = h('span', { class: changed ? 'value changed' : 'value' }, valueWords(value));
      const note = changed ? hidden(' (changed)') : null;
      if (!pickable || field.agreed) return h('td', { class: field.agreed ? 'same' : '' }, text, note);
      const radio = h('input', { type: 'radio', name: `c${n}-${field.name}`, value: side });
      radio.checked = picks.get(field.name) === side;
      radio.addEventListener('change', () => picks.set(field.name, side));
      return h('td', { class: `pick ${side}` }, h('label', {}, radio, hidden(side === 'mine' ? `Keep mine for ${field.name}: ` : `Keep theirs for ${field.name}: `), text, note));
    };
    const rows = fields.map((field) =>
      h(
        'tr',
        { 'data-field': field.name },
        h('th', { scope: 'row' }, h('span', { class: 'name' }, field.name), field.mineChanged && field.theirsChanged && !field.agreed ? h('span', { class: 'flag' }, 'changed on both sides') : null),
        h('td', { class: 'base' }, h('span', { class: 'value' }, conflict.opKind === 'insert' || conflict.baseRow === null ? '—' : valueWords(field.base))),
        cell(field, 'mine'),
        cell(field, 'theirs'),
      ),
    );
    const table = h(
      'table',
      { part: 'table' },
      h('caption', { class: 'visually-hidden' }, `${title}, field by field: before, mine and theirs`),
      h('thead', {}, h('tr', {}, ...['Field', 'Before', 'Mine', 'Theirs'].map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, ...rows),
    );

    const button = (kept: Kept, label: string, primary = false) => {
      const b = h('button', { type: 'button', part: 'button', class: primary ? 'primary' : '', 'data-action': kept, 'aria-describedby': headingId }, label);
      b.addEventListener('click', () => {
        const resolution: Resolution = kept === 'mine' ? { kind: 'client' } : kept === 'theirs' ? { kind: 'server' } : resolutionFor(conflict, picks);
        void this.#resolve([{ conflict, resolution, kept }]);
      });
      return b;
    };
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const element = h(
      'li',
      { class: 'card', part: 'card', 'data-conflict-id': conflict.id, 'aria-labelledby': headingId },
      heading,
      h('p', { class: 'reason' }, conflictWords(conflict)),
      h('div', { class: 'scroll' }, table),
      h('div', { class: 'actions' }, button('mine', 'Keep mine'), button('theirs', 'Keep theirs'), pickable ? button('merge', 'Save merge', true) : null),
      error,
    );
    return { conflict, key, element, heading, picks, error };
  }

  async #resolveAll(kept: 'mine' | 'theirs'): Promise<void> {
    const resolution: Resolution = kept === 'mine' ? { kind: 'client' } : { kind: 'server' };
    await this.#resolve([...this.#cards.values()].map((card) => ({ conflict: card.conflict, resolution, kept })));
  }

  /** Resolves each in turn, removes its card, says what was kept and moves focus on; then one push. */
  async #resolve(items: readonly { readonly conflict: Conflict; readonly resolution: Resolution; readonly kept: Kept }[]): Promise<void> {
    const client = this.client;
    const todo = items.filter(({ conflict }) => !this.#settling.has(conflict.id) && this.#cards.has(conflict.id));
    if (client === null || todo.length === 0) return;
    const done: string[] = [];
    for (const { conflict, resolution, kept } of todo) {
      const card = this.#cards.get(conflict.id);
      if (!card) continue;
      this.#settling.add(conflict.id);
      card.element.setAttribute('aria-busy', 'true');
      card.error.hidden = true;
      try {
        await client.resolve(conflict.id, resolution);
        done.push(keptWords(kept, titleOf(conflict)));
        this.#leave(conflict.id);
      } catch (error) {
        this.#settling.delete(conflict.id);
        card.element.removeAttribute('aria-busy');
        if (codeOf(error) === 'conflict_not_found') {
          // Resolved elsewhere meanwhile (another tab): nothing left to do here.
          this.#leave(conflict.id);
          continue;
        }
        card.error.hidden = false;
        card.error.textContent = `Could not resolve: ${reasonOf(error)}`;
      }
    }
    if (done.length > 0) {
      this.announce(done.length === 1 ? (done[0] ?? '') : `Resolved ${count(done.length, 'conflict', 'conflicts')}.`);
      this.dispatchEvent(new CustomEvent('tablesync-resolved', { bubbles: true, composed: true, detail: { count: done.length } }));
      // The resolution is journaled; send it now rather than when the worker's own timer fires.
      client.push().catch(() => undefined);
    }
    void this.refresh();
  }

  /** Removes a resolved card; if focus was in it, it moves to the next card, else the previous, else the "all resolved" line. */
  #leave(id: number): void {
    const card = this.#cards.get(id);
    if (!card) return;
    const hadFocus = card.element.contains(this.root.activeElement);
    const order = [...this.#cards.keys()];
    const at = order.indexOf(id);
    const next = this.#cards.get(order[at + 1] ?? -1) ?? this.#cards.get(order[at - 1] ?? -1) ?? null;
    this.#remove(id);
    if (this.#cards.size === 0) this.#done.hidden = false;
    this.#draw();
    if (hadFocus) (next?.heading ?? this.#done).focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tablesync-conflicts': TablesyncConflictsElement;
  }
}
