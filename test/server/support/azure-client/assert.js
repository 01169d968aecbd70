// Browser stand-in for Node's `assert`, as far as assert-plus and extsprintf use it.
export class AssertionError extends Error {
  constructor(options = {}) {
    super(options.message ?? 'Assertion failed');
    this.name = 'AssertionError';
  }
}
function assert(value, message) {
  if (!value) throw new AssertionError({ message });
}
assert.equal = (a, b, message) => assert(a == b, message);
assert.AssertionError = AssertionError;
export default assert;
