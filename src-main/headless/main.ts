// Entry point of dist/agent.js: `node dist/agent.js --profiles <file> [--socket <path>]`.
// KeyBridge's agent without the tray, for machines without a desktop and for scripts (the
// tests and `npm run bench` use it). Keys come from the file only: never from argv or the
// environment, and never printed.
import { AgentAlreadyRunningError, AgentSocketError, defaultAgentSocketPath } from '../agent';
import { HELP, parseCli, type HeadlessOptions } from './cli';
import { startHeadlessAgent, ProfilesFileError, type HeadlessAgent } from './headless-agent';
import { createLogger } from './log';

declare const __KEYBRIDGE_VERSION__: string | undefined;
const VERSION = typeof __KEYBRIDGE_VERSION__ === 'string' ? __KEYBRIDGE_VERSION__ : '0.0.0-dev';
/** A close that takes longer than this (a session that will not end) does not hold the exit. */
const CLOSE_GRACE_MS = 7000;

function fatal(message: string, code: number): void {
  process.stderr.write(`keybridge-agent: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
  process.exitCode = code;
}

async function run(options: HeadlessOptions): Promise<void> {
  let running: HeadlessAgent | null = null;
  const log = createLogger(options.logLevel, () => running?.credentials.secrets() ?? []);
  const socketPath = options.socketPath ?? defaultAgentSocketPath();

  // Anything unexpected ends the process through the redactor, never as a raw stack trace.
  const crash = (error: unknown) => {
    log.error(`Stopped on an unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  // A closed stderr (the terminal went away) is not a reason to stop serving.
  process.stderr.on('error', () => undefined);
  process.on('unhandledRejection', crash);

  try {
    running = await startHeadlessAgent({ profilesPath: options.profilesPath, socketPath, log });
  } catch (error) {
    if (error instanceof ProfilesFileError) return fatal(error.message, 2);
    if (error instanceof AgentAlreadyRunningError) {
      return fatal(`${error.message} Stop it first (or the KeyBridge tray app), or pass another --socket.`, 1);
    }
    if (error instanceof AgentSocketError) return fatal(error.message, 1);
    const code = (error as NodeJS.ErrnoException | null)?.code;
    return fatal(`Cannot listen on ${socketPath}: ${code ?? (error instanceof Error ? error.message : String(error))}`, 1);
  }
  const agent = running;
  const names = agent.credentials.names();
  log.info(
    `KeyBridge agent ${VERSION} (headless, pid ${process.pid}) listening on ${socketPath}; ` +
      `${names.length} profile${names.length === 1 ? '' : 's'} from ${agent.profilesPath}${names.length ? `: ${names.join(', ')}` : ''}. ` +
      'No approval prompts: every process of this user may use these profiles.',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing the agent.`);
    setTimeout(() => process.exit(0), CLOSE_GRACE_MS).unref();
    agent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`Closing failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(0);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The terminal it ran in closed: stop cleanly (socket removed) rather than die mid-write.
  process.on('SIGHUP', stop);
}

function main(): void {
  const cli = parseCli(process.argv.slice(2), process.env);
  switch (cli.kind) {
    case 'help':
      process.stdout.write(HELP);
      return;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return;
    case 'error':
      fatal(`${cli.message} (see --help)`, 2);
      return;
    case 'run':
      void run(cli.options);
  }
}

main();
