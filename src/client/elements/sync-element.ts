/**
 * What both elements share: an open shadow root with the theme, the client they talk to (the one
 * set as the `client` property, else the drop-in's `window.tablesync`), and subscriptions made
 * while connected and undone when the element leaves the document or its client changes.
 */
import { pageClient, type ElementClient } from './element-client.js';
import { h } from './dom.js';
import { THEME_CSS } from './theme.js';

/** Undoes one subscription, listener or timer. */
type Off = () => void;

export abstract class SyncElement extends HTMLElement {
  readonly #root: ShadowRoot;
  #client: ElementClient | null = null;
  #offs: Off[] = [];
  #live: HTMLElement;

  constructor(css: string) {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', part: 'announcer' });
    this.#root.append(h('style', {}, THEME_CSS + css), this.#live);
    // A `client` set on the tag before this class was defined shadows the accessor: take it over.
    if (Object.hasOwn(this, 'client')) {
      const early = (this as { client?: ElementClient | null }).client ?? null;
      delete (this as { client?: unknown }).client;
      this.#client = early;
    }
  }

  /** The SyncClient this element talks to; default the drop-in's `window.tablesync`. */
  get client(): ElementClient | null {
    return this.#client ?? pageClient();
  }

  set client(value: ElementClient | null) {
    this.#client = value;
    if (this.isConnected) {
      this.#stop();
      this.#start();
    }
  }

  connectedCallback(): void {
    this.#start();
  }

  disconnectedCallback(): void {
    this.#stop();
  }

  /** The shadow root, where the element draws (its live region is already there). */
  protected get root(): ShadowRoot {
    return this.#root;
  }

  /** Says `text` in the element's polite live region (the same text twice is said twice). */
  protected announce(text: string): void {
    const live = this.#live;
    if (live.textContent !== text) {
      live.textContent = text;
      return;
    }
    // The same words again: emptied first and set a moment later, so assistive technology hears a change.
    live.textContent = '';
    setTimeout(() => (live.textContent = text), 50);
  }

  /** The live region's current words (for the element's own bookkeeping). */
  protected get announced(): string {
    return this.#live.textContent ?? '';
  }

  /** Keeps `off` to run when the element disconnects or changes client. */
  protected keep(off: Off): void {
    this.#offs.push(off);
  }

  /** Listens on a window or document target while connected. */
  protected listen(target: EventTarget, type: string, listener: (event: Event) => void): void {
    target.addEventListener(type, listener);
    this.keep(() => target.removeEventListener(type, listener));
  }

  /** Called when connected (or given a new client): subscribe with `client.on` and `keep` each unsubscribe. */
  protected abstract bind(client: ElementClient | null): void;

  #start(): void {
    this.bind(this.client);
  }

  #stop(): void {
    for (const off of this.#offs.splice(0)) off();
  }
}
