import { ensureBuilt } from './helpers/build.ts';

/** Once before any test: the CLI the tests run (bin/drill.js → dist/) is built from the sources as they are now. */
export default function setup(): void {
  ensureBuilt();
}
