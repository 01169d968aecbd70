// The demo todo app. It speaks the Datasync v3 table protocol with plain fetch and knows nothing of
// tablesync: the drop-in <script> in index.html is what makes these same requests work offline, and
// its <tablesync-status> and <tablesync-conflicts> tags show the sync state and held conflicts.
// The one exception: when window.tablesync exists, the list reloads after pulls and resolutions.

const TABLE = '/tables/todoitem';
const HEADERS = { 'ZUMO-API-VERSION': '3.0.0' };

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const el = {
  form: /** @type {HTMLFormElement} */ ($('add-form')),
  text: /** @type {HTMLInputElement} */ ($('new-text')),
  showDone: /** @type {HTMLInputElement} */ ($('show-done')),
  list: $('list'),
  empty: $('empty'),
  count: $('count'),
  error: $('error'),
  template: /** @type {HTMLTemplateElement} */ ($('item-template')),
};

// ---------------------------------------------------------------------------------------------
// The table API, as any app would write it.

class HttpError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function request(method, path, { body, etag } = {}) {
  const headers = { ...HEADERS };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag) headers['If-Match'] = etag;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new HttpError(res.status, json);
  return { json, etag: res.headers.get('ETag') };
}

const itemUrl = (id) => `${TABLE}/${encodeURIComponent(id)}`;
const etagOf = (row) => (row.version ? `"${String(row.version).replace(/"/g, '\\"')}"` : undefined);

/** Every row matching the query, following nextLink (a bare query string in v3). */
async function listAll(params) {
  const rows = [];
  let query = params.toString();
  for (let page = 0; page < 100; page++) {
    const { json } = await request('GET', `${TABLE}?${query}`);
    rows.push(...json.items);
    if (!json.nextLink) break;
    query = json.nextLink.includes('?') ? json.nextLink.slice(json.nextLink.indexOf('?') + 1) : json.nextLink;
  }
  return rows;
}

async function countOpen() {
  const params = new URLSearchParams({ $filter: '(done eq false)', $count: 'true', $top: '0' });
  const { json } = await request('GET', `${TABLE}?${params}`);
  return json.count;
}

const insertTodo = (text) => request('POST', TABLE, { body: { text, done: false } });
const replaceTodo = (row) => request('PUT', itemUrl(row.id), { body: appFields(row), etag: etagOf(row) });
const deleteTodo = (row) => request('DELETE', itemUrl(row.id), { etag: etagOf(row) });

/** The row without system properties: what a PUT (full replace) sends. */
function appFields(row) {
  const { createdAt: _c, updatedAt: _u, version: _v, deleted: _d, ...rest } = row;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// Rendering.

let rows = [];
let loading = null;

async function load() {
  // Coalesce bursts of refreshes (events, writes) into one request at a time.
  if (loading) return loading;
  loading = (async () => {
    try {
      const params = new URLSearchParams({ $orderby: el.showDone.checked ? 'done,text' : 'text' });
      if (!el.showDone.checked) params.set('$filter', '(done eq false)');
      const [list, open] = await Promise.all([listAll(params), countOpen()]);
      rows = list;
      render(open);
      showError(null);
    } catch (err) {
      showError(`Could not load the list: ${err.message}`);
    } finally {
      loading = null;
    }
  })();
  return loading;
}

function render(open) {
  el.count.textContent = open === 1 ? '1 thing to do' : `${open} things to do`;
  el.list.replaceChildren(...rows.map(renderItem));
  el.empty.hidden = rows.length > 0;
}

function renderItem(row) {
  const li = /** @type {HTMLLIElement} */ (el.template.content.firstElementChild.cloneNode(true));
  const done = /** @type {HTMLInputElement} */ (li.querySelector('.item__done'));
  const text = /** @type {HTMLElement} */ (li.querySelector('.item__text'));
  const edit = /** @type {HTMLInputElement} */ (li.querySelector('.item__edit'));
  const rename = /** @type {HTMLButtonElement} */ (li.querySelector('.item__rename'));
  const del = /** @type {HTMLButtonElement} */ (li.querySelector('.item__delete'));
  const label = row.text || '(untitled)';

  li.dataset.id = row.id;
  li.classList.toggle('item--done', Boolean(row.done));
  done.checked = Boolean(row.done);
  done.setAttribute('aria-label', `Done: ${label}`);
  text.textContent = label;
  rename.setAttribute('aria-label', `Rename ${label}`);
  del.setAttribute('aria-label', `Delete ${label}`);

  done.addEventListener('change', () => act(() => replaceTodo({ ...row, done: done.checked })));
  del.addEventListener('click', () => act(() => deleteTodo(row)));
  rename.addEventListener('click', () => {
    edit.value = row.text ?? '';
    edit.setAttribute('aria-label', `New name for ${label}`);
    text.hidden = true;
    rename.hidden = true;
    edit.hidden = false;
    edit.focus();
    edit.select();
  });
  let settled = false;
  const finish = (save) => {
    if (settled) return;
    settled = true;
    const value = edit.value.trim();
    if (save && value && value !== row.text) act(() => replaceTodo({ ...row, text: value }));
    else void load();
  };
  edit.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') finish(true);
    if (e.key === 'Escape') finish(false);
  });
  edit.addEventListener('blur', () => finish(true));
  return li;
}

async function act(write) {
  try {
    await write();
  } catch (err) {
    if (err instanceof HttpError && err.status === 412) showError('Someone else changed that item; here is their version.');
    else if (err instanceof HttpError && (err.status === 404 || err.status === 410)) showError('That item was deleted elsewhere.');
    else showError(err.message);
  }
  await load();
}

function showError(message) {
  el.error.hidden = !message;
  el.error.textContent = message ?? '';
}

el.form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = el.text.value.trim();
  if (!text) return;
  el.text.value = '';
  void act(() => insertTodo(text));
});
el.showDone.addEventListener('change', () => void load());

// ---------------------------------------------------------------------------------------------
// Only when tablesync is present: show what a pull brought in, and the outcome of a resolved conflict.

let syncStarted = false;

function startSync() {
  const sync = window.tablesync;
  if (!sync || syncStarted) return;
  syncStarted = true;
  // An open rename editor is not replaced under the user's fingers: its finish reloads the list anyway.
  sync.on?.('pulled', () => {
    if (!document.querySelector('#list .item__edit:not([hidden])')) void load();
  });
  // Sent by <tablesync-conflicts> after it resolved conflicts.
  document.addEventListener('tablesync-resolved', () => void load());
}

// Module scripts run after the deferred drop-in, so window.tablesync is normally set by now.
startSync();
window.addEventListener('load', startSync);
void load();
