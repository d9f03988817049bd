// The outer shell of dist/bridge.js. The bridge itself is embedded as a string and compiled
// with V8's code cache (~/.keybridge/cache), so an assistant's every launch skips compiling the
// ~1 MB bundle again: start-up time is what the user waits for on each new chat. The cache
// holds compiled code of the bundle's source only (no runtime values, so never a key); a
// missing, stale or rejected cache just means compiling as usual and writing a fresh one.
import { mkdir, mkdirSync, readFileSync, rename, renameSync, rm, writeFile, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';
import { wrap } from 'node:module';

declare const __BRIDGE_SOURCE__: string;
declare const __BRIDGE_SOURCE_ID__: string;

/** When the cache is written: once start-up and the first exchanges have compiled their code,
 * or at exit if that comes first. */
const WRITE_CACHE_AFTER_MS = 1500;

function cacheFile(): string | null {
  try {
    return join(homedir(), '.keybridge', 'cache', `bridge-${__BRIDGE_SOURCE_ID__}-${process.version}.v8cache`);
  } catch {
    return null;
  }
}

function readCache(file: string | null): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache through a temp file and a rename. At exit it must be synchronous; while the
 * bridge serves, the file I/O stays off the event loop. A read-only home only costs the next
 * start its compile time. */
function writeCache(file: string, script: Script, sync: boolean): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    if (sync) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(temp, data, { mode: 0o600 });
      renameSync(temp, file);
      return;
    }
    // Callbacks, not node:fs/promises: loading that module would cost every start ~2 ms.
    const failed = () => rm(temp, { force: true }, () => undefined);
    mkdir(dirname(file), { recursive: true, mode: 0o700 }, (error) => {
      if (error) return;
      writeFile(temp, data, { mode: 0o600 }, (writeError) => {
        if (writeError) return failed();
        rename(temp, file, (renameError) => renameError && failed());
      });
    });
  } catch {
    // As above: the next start compiles.
  }
}

const file = cacheFile();
const cachedData = readCache(file);
// Dynamic import() of Node builtins stays in the bundle: resolve it as the main context would.
const script = new Script(wrap(__BRIDGE_SOURCE__), { filename: __filename, cachedData, importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
if (file && (!cachedData || script.cachedDataRejected)) {
  let written = false;
  const once = (sync: boolean) => {
    if (written) return;
    written = true;
    writeCache(file, script, sync);
  };
  setTimeout(() => once(false), WRITE_CACHE_AFTER_MS).unref();
  process.once('exit', () => once(true));
}
(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, __filename, __dirname);
