/** The look of `<tablesync-conflicts>` (on top of theme.ts): a panel of cards, each with its diff table. */
export const CONFLICTS_CSS = `
:host(:not([data-count])) .panel, :host([data-count='0']:not([data-all-resolved])) .panel { display: none; }
.panel {
  background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius);
  padding: 0.9em 1em 1em;
}
.head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5em 1em; }
h2 { margin: 0; font-size: 1.05em; }
h3 { margin: 0; font-size: 1em; }
h3 .where { font-weight: normal; color: var(--_muted); font-size: 0.85em; margin-left: 0.4em; }
.all, .actions { display: flex; flex-wrap: wrap; gap: 0.5em; }
ol { list-style: none; margin: 0; padding: 0; }
li.card { border-top: 1px solid var(--_border); margin-top: 0.9em; padding-top: 0.9em; }
li.card[aria-busy='true'] { opacity: 0.6; }
.reason { margin: 0.2em 0 0.6em; color: var(--_muted); font-size: 0.9em; }
.scroll { overflow-x: auto; }
table { border-collapse: separate; border-spacing: 0; width: 100%; font-size: 0.92em; }
th, td { text-align: left; vertical-align: middle; padding: 0.4em 0.6em; border-bottom: 1px solid var(--_border); overflow-wrap: anywhere; }
thead th { font-size: 0.78em; text-transform: uppercase; letter-spacing: 0.05em; color: var(--_muted); font-weight: 600; }
thead th:nth-child(1) { width: 20%; }
thead th:nth-child(2) { width: 20%; }
thead th:nth-child(3), thead th:nth-child(4) { width: 30%; }
td.pick, thead th:nth-child(3), thead th:nth-child(4) { padding-left: 0.25em; padding-right: 0.25em; }
thead th:nth-child(3), thead th:nth-child(4) { padding-left: calc(0.25em + 1px + 0.4em); }
tbody tr:last-child > * { border-bottom: 0; }
tbody th { font-weight: 600; white-space: nowrap; }
.flag { display: block; font-weight: normal; font-size: 0.8em; color: var(--_warning); }
td.base { color: var(--_muted); }
td.same { color: var(--_muted); }
td.pick { padding-top: 0.2em; padding-bottom: 0.2em; }
td.pick label {
  display: flex; align-items: flex-start; gap: 0.45em; padding: 0.2em 0.4em; border-radius: calc(var(--_radius) - 3px);
  border: 1px solid transparent; cursor: pointer;
}
td.mine label:has(input:checked) { background: var(--_mine); border-color: color-mix(in srgb, var(--_accent) 35%, transparent); }
td.theirs label:has(input:checked) { background: var(--_theirs); border-color: color-mix(in srgb, var(--_warning) 35%, transparent); }
td.pick input { margin: 0.2em 0 0; accent-color: var(--_accent); flex: none; }
.changed { font-weight: 600; }
.gone { font-style: italic; color: var(--_muted); }
.actions { margin-top: 0.75em; }
.error { color: var(--_danger); margin: 0.5em 0 0; font-size: 0.9em; }
.done { margin: 0; color: var(--_muted); }
`;
