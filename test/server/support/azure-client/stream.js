// Browser stand-in for Node's `stream`: assert-plus only checks `instanceof Stream`.
export function Stream() {}
export default { Stream };
