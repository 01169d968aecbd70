/** The elements' one DOM builder: text always goes in as text, never as markup. */

type Attribute = string | number | boolean | null | undefined;
type Child = Node | string | null | undefined | false;

/** Makes `<tag>` with attributes (`true` sets an empty one; `false`, null and undefined set none) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, Attribute>> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** Text for screen readers only. */
export const hidden = (text: string): HTMLSpanElement => h('span', { class: 'visually-hidden' }, text);
