/**
 * For tests of what happens when the caller lets go of an object: a full collection (the
 * runtime's `gc`, exposed for this process), then the tasks in which FinalizationRegistry
 * callbacks run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function collectGarbage(): Promise<void> {
  for (let round = 0; round < 3; round += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
