// Node globals some of the Azure client's dependencies read at load time (core-util-is: Buffer.isBuffer).
globalThis.Buffer ??= { isBuffer: () => false };
globalThis.process ??= { env: {} };
