import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * The heap in use after a full collection: what is retained, not garbage not yet collected (a streaming test's
 * bound). V8's `gc` is exposed on the first call only, so importing the testing lib changes nothing.
 */
export function retainedHeap(): number {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  return process.memoryUsage().heapUsed;
}
