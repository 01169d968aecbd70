// The real tablesync worker, plus a record of its errors for the test: what it logs with
// console.error (its own reportError included) and anything uncaught. WebKitWebDriver shows no
// worker console, so the test asks the worker itself ({type: 'test:errors'} with a reply port).
// The record lives in worker memory: the suites check that the worker never restarted.
const errors = [];
const consoleError = console.error.bind(console);
console.error = (...args) => {
  errors.push(args.map((a) => (a instanceof Error ? a.stack || a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  consoleError(...args);
};
self.addEventListener('error', (event) => errors.push(`uncaught: ${event.message}`));
self.addEventListener('unhandledrejection', (event) => errors.push(`unhandled rejection: ${String(event.reason)}`));
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'test:errors' && event.ports[0]) event.ports[0].postMessage(errors);
});
importScripts('/tablesync-sw.js');
