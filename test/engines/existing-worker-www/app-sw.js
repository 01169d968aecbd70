// An app's own classic worker that adds tablesync with the README's one line.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname === '/app-hello') event.respondWith(new Response('hello from the app'));
});
importScripts('/tablesync-sw.js?tables=todoitem');
