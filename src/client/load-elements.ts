/**
 * The drop-in's lazy step for the elements: the elements bundle is fetched only when the document
 * uses `<tablesync-status>` or `<tablesync-conflicts>`, there at start or added later.
 */

/** The tags that make the drop-in load the elements bundle. */
export const ELEMENT_TAGS: readonly string[] = ['tablesync-status', 'tablesync-conflicts'];

/** Imports the elements bundle at `url` and defines its tags once `root` holds one of them; watches until then. */
export function loadElementsWhenUsed(url: string, root: Document = document): void {
  const selector = ELEMENT_TAGS.join(',');
  const uses = (node: Node): boolean => node instanceof Element && (node.matches(selector) || node.querySelector(selector) !== null);
  const load = (): void => {
    // A native dynamic import (the URL is only known at run time), which classic scripts may use too.
    import(/* @vite-ignore */ url)
      .then((module: { defineTablesyncElements?: () => void }) => module.defineTablesyncElements?.())
      .catch((error: unknown) => console.error('[tablesync] could not load the elements', url, error));
  };
  if (root.querySelector(selector) !== null) return load();
  const observer = new MutationObserver((records) => {
    if (!records.some((record) => [...record.addedNodes].some(uses))) return;
    observer.disconnect();
    load();
  });
  observer.observe(root, { childList: true, subtree: true });
}
