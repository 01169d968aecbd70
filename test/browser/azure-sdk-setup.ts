// The browser suite's second globalSetup: the genuine Azure Mobile Apps Node SDK, installed into the
// user's cache on first use (scripts/azure-sdk-install.ts; about 3 minutes once per machine, then
// well under a second), handed to the azure-sdk-*.test.ts files as `inject('azureSdkDir')`.
import type { TestProject } from 'vitest/node';
import { ensureAzureSdk } from '../../scripts/azure-sdk-install.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cached install of the Azure Mobile Apps SDK (its node_modules goes on NODE_PATH). */
    azureSdkDir: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('azureSdkDir', await ensureAzureSdk());
}
