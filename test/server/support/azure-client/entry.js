// The official Azure Mobile Apps JavaScript client, unchanged, exposed as `window.WindowsAzure` as its own browser bundle does.
import WindowsAzure from 'azure-mobile-apps-client';
globalThis.WindowsAzure = WindowsAzure;
