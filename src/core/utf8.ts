/**
 * The UTF-8 form of `text` as `encodeURIComponent` spells it: each byte a character, unreserved ASCII as itself,
 * every other byte as `%XX` (`TextEncoder` is not in core). A lone surrogate, which UTF-8 cannot hold, becomes
 * U+FFFD first, as any UTF-8 encoder makes it (`encodeURIComponent` would throw).
 */
export const utf8Escaped = (text: string): string => encodeURIComponent(text.replace(/\p{Cs}/gu, '\ufffd'));

/** The UTF-8 byte length of a string; a lone surrogate counts as U+FFFD. */
export const utf8Length = (text: string): number => utf8Escaped(text).replace(/%../g, '%').length;
