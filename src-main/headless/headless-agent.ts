// The headless agent: the tray's agent (src-main/agent) serving the profiles of a JSON file,
// with no approval prompts (same-user trust, as ssh-agent), and the file watched so that
// edits apply without a restart.
import { resolve } from 'node:path';
import { allowAll, startAgent, type Agent, type AgentActivity } from '../agent';
import { createFileCredentials, type FileCredentials, type ProfilesChange } from './file-credentials';
import type { Logger } from './log';
import { readProfilesFile } from './profiles-file';
import { fileSignature, watchProfilesFile, type WatchOptions } from './profiles-watch';

/** The profiles file cannot be used at start (the message is one line, with no key in it). */
export class ProfilesFileError extends Error {}

export interface HeadlessAgentOptions {
  profilesPath: string;
  socketPath: string;
  log: Logger;
  watch?: Pick<WatchOptions, 'pollMs' | 'settleMs' | 'fsWatch'>;
  /** A failed read is checked again after this long before it is reported: an editor that
   * writes in place can be caught half-way through a save. */
  confirmMs?: number;
}

export interface HeadlessAgent {
  readonly agent: Agent;
  readonly credentials: FileCredentials;
  readonly profilesPath: string;
  /** Reads the file again now (what the watch does on a change). */
  reload(): Promise<void>;
  /** Stops watching, closes the agent (every session) and removes the socket. */
  close(): Promise<void>;
}

/** Reads the file, takes the socket and serves. Throws ProfilesFileError, or the agent's
 * AgentAlreadyRunningError / AgentSocketError. */
export async function startHeadlessAgent(options: HeadlessAgentOptions): Promise<HeadlessAgent> {
  const profilesPath = resolve(options.profilesPath);
  const { log } = options;
  const read = readProfilesFile;
  const confirmMs = options.confirmMs ?? 150;

  const since = fileSignature(profilesPath);
  const first = read(profilesPath);
  if (!first.ok) throw new ProfilesFileError(first.message);
  const credentials = createFileCredentials(profilesPath, first.file);

  const agent = await startAgent({
    socketPath: options.socketPath,
    credentials,
    // No approval prompts and no peer lookup: every process of this user may use the file's
    // profiles (as ssh-agent), so asking the OS who connected (a run of `ss` per hello) would
    // only cost start-up time.
    policy: allowAll,
    identify: async () => ({ verified: false, reason: 'headless agent: same-user trust, the peer is not looked up' }),
    onActivity: (event: AgentActivity) => logActivity(log, event),
    log: { warn: log.warn, info: log.info, debug: log.debug, debugEnabled: log.level === 'debug' },
  });

  /** The problem last reported, so that a file that stays invalid is reported once. */
  let reported: string | null = null;
  let confirmTimer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const readAndApply = async (confirming: boolean) => {
    const result = read(profilesPath);
    if (closed) return;
    if (!result.ok) {
      if (result.message === reported) return;
      if (!confirming) {
        // Maybe half-way through a save: look again shortly before saying anything.
        if (!confirmTimer) {
          confirmTimer = setTimeout(() => {
            confirmTimer = null;
            void reload(true);
          }, confirmMs);
          confirmTimer.unref();
        }
        return;
      }
      reported = result.message;
      const names = credentials.names();
      log.warn(`${result.message} Still using the last valid profiles (${names.length === 0 ? 'none' : names.join(', ')}).`);
      return;
    }
    if (confirmTimer) {
      clearTimeout(confirmTimer);
      confirmTimer = null;
    }
    const wasInvalid = reported !== null;
    reported = null;
    const change = await credentials.apply(result.file);
    const summary = describeChange(change);
    if (summary) log.info(`${profilesPath} changed: ${summary}.`);
    else if (wasInvalid) log.info(`${profilesPath} is valid again; nothing changed.`);
  };

  const reload = (confirming = false): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await readAndApply(confirming);
          confirming = false;
        } while (again && !closed);
      } catch (error) {
        log.error(`Could not apply ${profilesPath}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const watch = watchProfilesFile(profilesPath, () => void reload(), { ...options.watch, since });

  return {
    agent,
    credentials,
    profilesPath,
    reload: () => reload(),
    async close() {
      if (closed) return;
      closed = true;
      watch.close();
      if (confirmTimer) clearTimeout(confirmTimer);
      await agent.close();
    },
  };
}

function describeChange(change: ProfilesChange): string {
  const parts: string[] = [];
  if (change.added.length) parts.push(`added ${change.added.join(', ')}`);
  if (change.changed.length) parts.push(`updated ${change.changed.join(', ')} (used from the next request)`);
  if (change.removed.length) parts.push(`removed ${change.removed.join(', ')} (their sessions now get an error)`);
  return parts.join('; ');
}

function logActivity(log: Logger, event: AgentActivity): void {
  const line = event.message;
  if (event.level === 'error') log.error(line);
  else if (event.level === 'warning') log.warn(line);
  else log.info(line);
}
