// The app's whole data layer, as the demo writes it: plain fetch on /tables/todoitem (Datasync v3),
// nothing of tablesync. Also keeps the page's own uncaught errors for the test.
(() => {
  const table = '/tables/todoitem';
  const item = (id) => `${table}/${encodeURIComponent(id)}`;
  const keep = ['etag', 'location', 'x-tablesync'];

  async function call(method, url, body, extra) {
    const headers = { 'ZUMO-API-VERSION': '3.0.0', ...extra };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const out = {};
    for (const name of keep) if (res.headers.has(name)) out[name] = res.headers.get(name);
    return { status: res.status, headers: out, body: text === '' ? null : JSON.parse(text) };
  }

  window.app = {
    list: (query) => call('GET', query ? `${table}?${query}` : table),
    get: (id) => call('GET', item(id)),
    insert: (row) => call('POST', table, row),
    patch: (id, row) => call('PATCH', item(id), row),
    remove: (id) => call('DELETE', item(id)),
  };

  window.pageErrors = [];
  window.addEventListener('error', (e) => window.pageErrors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => window.pageErrors.push(String(e.reason)));
})();
