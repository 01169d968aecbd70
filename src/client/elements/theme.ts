/**
 * The look both elements share, in their shadow roots. Every colour, the radius and the font come
 * from a CSS custom property the page may set on the element or any ancestor (README: "Status and
 * conflict elements"); the fallbacks are the light defaults.
 */
export const THEME_CSS = `
:host {
  --_bg: var(--tablesync-background, #ffffff);
  --_fg: var(--tablesync-color, #1f2328);
  --_muted: var(--tablesync-muted, #59636e);
  --_border: var(--tablesync-border, #d1d9e0);
  --_accent: var(--tablesync-accent, #0969da);
  --_accent-fg: var(--tablesync-accent-contrast, #ffffff);
  --_success: var(--tablesync-success, #1a7f37);
  --_warning: var(--tablesync-warning, #9a6700);
  --_danger: var(--tablesync-danger, #cf222e);
  --_mine: var(--tablesync-mine, #ddf4ff);
  --_theirs: var(--tablesync-theirs, #fff1e5);
  --_focus: var(--tablesync-focus, var(--_accent));
  --_radius: var(--tablesync-radius, 8px);
  display: block;
  color: var(--_fg);
  font-family: var(--tablesync-font-family, inherit);
  font-size: var(--tablesync-font-size, 0.9375rem);
  line-height: 1.4;
}
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}
button {
  font: inherit; color: inherit; cursor: pointer;
  background: var(--_bg); border: 1px solid var(--_border); border-radius: calc(var(--_radius) - 2px);
  padding: 0.35em 0.85em; line-height: 1.3; white-space: nowrap;
}
button:hover { border-color: var(--_accent); }
button.primary { background: var(--_accent); border-color: var(--_accent); color: var(--_accent-fg); font-weight: 600; }
button[aria-disabled='true'] { opacity: 0.6; cursor: progress; }
:focus-visible { outline: 2px solid var(--_focus); outline-offset: 2px; }
.badge {
  display: inline-flex; align-items: center; gap: 0.4em; font-size: 0.85em; font-weight: 600;
  padding: 0.15em 0.6em; border-radius: 999px;
  color: var(--_success); background: color-mix(in srgb, var(--_success) 12%, transparent);
}
.badge::before { content: ''; width: 0.5em; height: 0.5em; border-radius: 50%; background: currentColor; }
.badge.offline { color: var(--_danger); background: color-mix(in srgb, var(--_danger) 12%, transparent); }
.badge.idle { color: var(--_muted); background: color-mix(in srgb, var(--_muted) 12%, transparent); }
.muted { color: var(--_muted); }
.warning { color: var(--_warning); }
.danger { color: var(--_danger); }
`;
