// Reading the manifest link of a document and the files a manifest names, as the shell cache does.
import { describe, expect, test } from 'vitest';
import { manifestFilesOf, manifestUrlOf } from '../../../sw/web-manifest.js';

const page = 'https://app.example/todo/index.html';

describe('manifestUrlOf', () => {
  const cases: readonly { name: string; html: string; want: string | null }[] = [
    { name: 'a root-relative href', html: '<link rel="manifest" href="/manifest.webmanifest">', want: 'https://app.example/manifest.webmanifest' },
    { name: 'a document-relative href', html: "<LINK REL='Manifest' HREF='app.webmanifest'>", want: 'https://app.example/todo/app.webmanifest' },
    { name: 'an unquoted href, rel among others, self-closing', html: '<link crossorigin rel="preload manifest" href=m.json />', want: 'https://app.example/todo/m.json' },
    { name: 'entities in the href', html: '<link rel="manifest" href="/m.json?a=1&amp;b=2">', want: 'https://app.example/m.json?a=1&b=2' },
    { name: 'the first of two', html: '<link rel="manifest" href="/one.json"><link rel="manifest" href="/two.json">', want: 'https://app.example/one.json' },
    { name: 'relative to <base href>', html: '<base href="/app/"><link rel="manifest" href="m.json">', want: 'https://app.example/app/m.json' },
    { name: 'a cross-origin href', html: '<link rel="manifest" href="https://cdn.example/m.json">', want: 'https://cdn.example/m.json' },
    { name: 'none', html: '<link rel="icon" href="/icon.svg"><link rel="stylesheet" href="/s.css">', want: null },
    { name: 'one without href', html: '<link rel="manifest">', want: null },
    { name: 'one inside a comment', html: '<!-- <link rel="manifest" href="/old.json"> -->', want: null },
    { name: 'one inside a script', html: '<script>const t = \'<link rel="manifest" href="/x.json">\';</script>', want: null },
    { name: 'a data-rel attribute is not rel', html: '<link data-rel="manifest" href="/x.json">', want: null },
  ];
  test.each(cases)('$name', ({ html, want }) => {
    expect(manifestUrlOf(`<!doctype html><html><head>${html}</head></html>`, page)).toBe(want);
  });
});

describe('manifestFilesOf', () => {
  const manifestUrl = 'https://app.example/static/manifest.json';
  test('icons and start_url resolve against the manifest URL, each once', () => {
    const manifest = { start_url: '../?pwa', icons: [{ src: 'i/192.png' }, { src: '/icon.svg' }, { src: 'https://cdn.example/512.png' }, { src: '/icon.svg' }] };
    expect(manifestFilesOf(manifest, manifestUrl)).toEqual([
      'https://app.example/static/i/192.png',
      'https://app.example/icon.svg',
      'https://cdn.example/512.png',
      'https://app.example/?pwa',
    ]);
  });
  const odd: readonly { name: string; manifest: unknown }[] = [
    { name: 'null', manifest: null },
    { name: 'an array', manifest: [] },
    { name: 'icons not an array', manifest: { icons: { src: '/a.png' } } },
    { name: 'icons without src, blank or non-string', manifest: { icons: [{}, { src: ' ' }, { src: 42 }, null] } },
    { name: 'a non-string start_url', manifest: { start_url: 7 } },
  ];
  test.each(odd)('$name names nothing', ({ manifest }) => {
    expect(manifestFilesOf(manifest, manifestUrl)).toEqual([]);
  });
});
