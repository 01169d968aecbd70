// The DESIGN.md §6 server baseline: the Azure Mobile Apps Node SDK (express middleware) on its
// SQLite provider, in memory, in a process of its own. Tables: `rows_medium` seeded with the bench rows
// (same fields and values as bench/lib/rows.ts), and `wr_direct` for inserts. Prints one JSON line
// `{"url": …}` once listening on 127.0.0.1; exits when its stdin closes or on SIGTERM.
'use strict';
process.env.NODE_ENV = 'production';
// The SDK comes from the cached install (scripts/azure-sdk-install.ts), never from the checkout's node_modules.
if (!process.env.AZURE_SDK_DIR) {
  process.stderr.write('AZURE_SDK_DIR must name the cached Azure Mobile Apps SDK install (scripts/azure-sdk-install.ts)\n');
  process.exit(1);
}
const sdkRequire = require('node:module').createRequire(require('node:path').join(process.env.AZURE_SDK_DIR, 'package.json'));
const express = sdkRequire('express');
// The provider's own connection cache: sqlite3 never caches ':memory:', so this is the way to its database.
const sqliteConnection = sdkRequire('azure-mobile-apps/src/data/sqlite/connections');
const azureMobileApps = sdkRequire('azure-mobile-apps');

const ROWS = Number(process.env.BENCH_ROWS || 10000);
const columns = { text: 'string', done: 'boolean', category: 'string', rank: 'number' };
const app = express();
const mobile = azureMobileApps({
  data: { provider: 'sqlite', filename: ':memory:' },
  logging: { level: 'error' },
  homePage: false,
  swagger: false,
});
mobile.tables.add('rows_medium', { columns, softDelete: true, dynamicSchema: false });
mobile.tables.add('wr_direct', { columns, softDelete: true, dynamicSchema: false });
app.use(mobile);

/** Seeds `rows_medium` through the provider's own connection (one statement). */
function seed() {
  const db = sqliteConnection({ filename: ':memory:' });
  const sql = `insert into [rows_medium] (id, text, done, category, rank, createdAt, updatedAt, version, deleted)
    with recursive s(i) as (select 1 union all select i + 1 from s where i < ${ROWS})
    select 'r' || substr('0000000' || i, -7), 'Buy milk and eggs, item ' || i, (i % 3 = 0),
      'c' || substr('00' || (i % 20), -2), i,
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day', '+' || (i / 1000.0) || ' seconds'),
      strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day', '+' || (i / 1000.0) || ' seconds'), 1, 0
    from s`;
  return new Promise((resolve, reject) => db.run(sql, (error) => (error ? reject(error) : resolve())));
}

mobile.tables
  .initialize()
  .then(seed)
  .then(() => {
    const server = app.listen(0, '127.0.0.1', () => {
      process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
    });
    const stop = () => server.close(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.stdin.on('end', stop);
    process.stdin.resume();
  })
  .catch((error) => {
    process.stderr.write(`azure-mobile-apps baseline failed to start: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
