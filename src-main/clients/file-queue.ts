// One task at a time per file in this process: a write, a backup scrub or a status refresh
// of one config never overlaps another on the same file.
import path from 'node:path';

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task on the same file has finished. */
export function serialized<T>(file: string, task: () => Promise<T>): Promise<T> {
  const key = path.resolve(file);
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}
