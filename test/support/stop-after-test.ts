// Stops what a test started once the test ends, last started first (so a bridge goes before
// the agent and vendor it talks to). Importing this module registers the hook for the
// importing test file, the way Testing Library's auto-cleanup does. Stopping twice is fine:
// every fake's close/stop is idempotent, so a test may also stop things itself. What has both
// (the test agent: stop keeps its temp dir for a restart) is closed.
import { afterEach } from 'vitest';

type Stoppable = { stop(): Promise<unknown> } | { close(): Promise<unknown> };

const started: Stoppable[] = [];

afterEach(async () => {
  for (const thing of started.splice(0).reverse()) await ('close' in thing ? thing.close() : thing.stop());
});

/** Registers `thing` to be stopped after the current test; returns it. */
export function stopAfterTest<T extends Stoppable>(thing: T): T {
  started.push(thing);
  return thing;
}
