// The genuine Azure Mobile Apps Node server (npm azure-mobile-apps 4.0.2, express, its SQLite
// provider in memory) for the browser suite, run by test/support/azure-sdk-server.ts in a process
// of its own with AZURE_SDK_DIR naming the cached install (scripts/azure-sdk-install.ts).
//
// One origin serves the app and the tables, as a deployed app would, so the worker is same-origin
// with its page: files from the directories in AMA_STATIC (path-delimited, first match wins, no
// caching) at `/`, then the SDK. Table `todoitem`: soft delete on, declared columns (text, done,
// rank, note). `POST /__test/reset` empties it and `POST /__test/seed` bulk-inserts rows sharing one
// `updatedAt`, both through the provider's own connection (the SDK has no such routes; tests reset
// between cases without a restart). Prints one JSON line `{"url": …}`
// once listening on 127.0.0.1; exits when its stdin closes or on SIGTERM.
'use strict';
process.env.NODE_ENV = 'production';
const path = require('node:path');
// The SDK comes from the cached install (scripts/azure-sdk-install.ts), never from the checkout's node_modules.
if (!process.env.AZURE_SDK_DIR) {
  process.stderr.write('AZURE_SDK_DIR must name the cached Azure Mobile Apps SDK install (scripts/azure-sdk-install.ts)\n');
  process.exit(1);
}
const sdkRequire = require('node:module').createRequire(require('node:path').join(process.env.AZURE_SDK_DIR, 'package.json'));
const express = sdkRequire('express');
// The provider's own connection cache: sqlite3 never shares ':memory:', so this is the way to its database.
const sqliteConnection = sdkRequire('azure-mobile-apps/src/data/sqlite/connections');
const azureMobileApps = sdkRequire('azure-mobile-apps');

const TABLE = 'todoitem';
const app = express();
const mobile = azureMobileApps({
  data: { provider: 'sqlite', filename: ':memory:' },
  logging: { level: process.env.AMA_LOG_LEVEL || 'error' },
  homePage: false,
  swagger: false,
});
mobile.tables.add(TABLE, {
  columns: { text: 'string', done: 'boolean', rank: 'number', note: 'string' },
  softDelete: true,
  dynamicSchema: false,
});

const noStore = { etag: false, lastModified: false, setHeaders: (res) => res.set('cache-control', 'no-store') };
for (const dir of (process.env.AMA_STATIC || '').split(path.delimiter).filter(Boolean)) app.use(express.static(dir, noStore));

app.post('/__test/reset', (req, res) => {
  sqliteConnection({ filename: ':memory:' }).run(`delete from [${TABLE}]`, (error) => {
    if (error) res.status(500).json({ error: String(error), code: 'reset_failed' });
    else res.status(204).end();
  });
});

// Rows only SQL can make: `count` live rows `s0001`… sharing one `updatedAt` millisecond (`at`), as a bulk edit leaves them (L-08).
app.post('/__test/seed', (req, res) => {
  const count = Number(req.query.count);
  const at = String(req.query.at || '');
  if (!Number.isInteger(count) || count < 1 || count > 100000 || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(at)) {
    res.status(400).json({ error: 'count (1-100000) and at (YYYY-MM-DDTHH:mm:ss.sssZ) are required', code: 'invalid_seed' });
    return;
  }
  const sql = `insert into [${TABLE}] (id, text, done, rank, createdAt, updatedAt, version, deleted)
    with recursive s(i) as (select 1 union all select i + 1 from s where i < ${count})
    select 's' || substr('0000' || i, -4), 'seeded ' || i, (i % 2 = 0), i, @at, @at, 1, 0 from s`;
  sqliteConnection({ filename: ':memory:' }).run(sql, { '@at': at }, (error) => {
    if (error) res.status(500).json({ error: String(error), code: 'seed_failed' });
    else res.status(204).end();
  });
});

app.use(mobile);

mobile.tables
  .initialize()
  .then(() => {
    const server = app.listen(0, '127.0.0.1', () => {
      process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
    });
    const stop = () => {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    };
    process.on('SIGTERM', stop);
    process.stdin.on('end', stop);
    process.stdin.resume();
  })
  .catch((error) => {
    process.stderr.write(`azure-mobile-apps test server failed to start: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
