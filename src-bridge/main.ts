// Entry point of dist/bridge.js: the stdio MCP bridge an assistant launches. A pipe between the
// assistant's stdio and KeyBridge's agent (docs/agent-protocol.md): no key, no HTTP, no SDK.
import { homedir, userInfo } from 'node:os';
import { agentSocketPath } from '../src-shared/agent-socket-path';
import { readAssistant } from './assistant-input';
import { AssistantOutput } from './assistant-output';
import { HELP, parseCli, type BridgeOptions } from './cli';
import { createLogger } from './log';
import { Pipe } from './pipe';

function run(options: BridgeOptions): void {
  const log = createLogger(options.logLevel);
  const socketPath =
    options.agentSocket ?? agentSocketPath({ platform: process.platform, homeDir: homedir(), username: safeUsername(), env: process.env });
  let pipe: Pipe | null = null;
  const output = new AssistantOutput(process.stdout, (id) => pipe?.answered(id));
  pipe = new Pipe({ profile: options.profile, socketPath, version: __KEYBRIDGE_VERSION__, env: process.env, log, output });
  const p = pipe;

  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${why}: ending the session`);
    p.end(() => process.exit(0));
  };
  p.start();
  readAssistant(process.stdin, {
    message: (message, line) => p.fromAssistant(message, line),
    invalid: (response) => output.write(response),
    end: () => shutdown('stdin closed'),
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A closed stdout (the assistant went away) must not crash the bridge with EPIPE.
  process.stdout.on('error', () => shutdown('stdout closed'));
}

/** The login name for the per-user socket; where there is no passwd entry (containers), the uid. */
function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? process.env.USER ?? process.env.USERNAME ?? 'user');
  }
}

function main(): void {
  const cli = parseCli(process.argv.slice(2), process.env);
  switch (cli.kind) {
    case 'help':
      process.stdout.write(HELP);
      return;
    case 'version':
      process.stdout.write(`${__KEYBRIDGE_VERSION__}\n`);
      return;
    case 'error':
      process.stderr.write(`keybridge-bridge: ${cli.message} (see --help)\n`);
      process.exitCode = 2;
      return;
    case 'run':
      run(cli.options);
  }
}

main();
