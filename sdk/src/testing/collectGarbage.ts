/**
 * For tests of what happens when the caller lets go of an object: full collections (the
 * runtime's `gc`, exposed for this process), each followed by a pause in which
 * FinalizationRegistry callbacks run. With `until`, they go on until it holds (at most ~5 s:
 * on a busy machine a callback may come a few rounds late), else three rounds.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function collectGarbage(until?: () => boolean): Promise<void> {
  const rounds = until ? 250 : 3;
  for (let round = 0; round < rounds; round += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (until?.()) return;
  }
}
