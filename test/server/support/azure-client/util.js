// Browser stand-in for Node's `util`, covering what the Azure client's dependencies call (format, inherits, inspect).
export function inspect(value) {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}
export function format(pattern, ...args) {
  let i = 0;
  const text = String(pattern).replace(/%[sdjifoO%]/g, (m) => (m === '%%' ? '%' : i < args.length ? (m === '%j' ? JSON.stringify(args[i++]) : String(args[i++])) : m));
  return [text, ...args.slice(i).map(inspect)].join(' ');
}
export function inherits(ctor, superCtor) {
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  Object.setPrototypeOf(ctor, superCtor);
  ctor.super_ = superCtor;
}
export default { format, inherits, inspect };
