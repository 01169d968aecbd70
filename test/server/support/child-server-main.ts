/**
 * The reference server in a process of its own (scale-out and change-feed tests): the options come as
 * JSON in TABLESYNC_TEST_OPTIONS; prints one line `{"url": …}` once listening on 127.0.0.1:0 and
 * exits when its stdin closes.
 */
import { startServer, type ServerOptions } from '../../../src/server/start-server.js';

const options = JSON.parse(process.env['TABLESYNC_TEST_OPTIONS'] ?? '{}') as ServerOptions;
const server = await startServer({ publicDir: null, ...options, host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.stdin.resume();
process.stdin.once('end', () => {
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
