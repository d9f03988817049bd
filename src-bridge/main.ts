// Entry point of dist/bridge.js: the stdio MCP bridge an assistant launches.
import { homedir, userInfo } from 'node:os';
import { agentSocketPath } from '../src-shared/agent-socket-path';
import { AgentClient } from './agent-client';
import { createAuthFetch } from './auth-fetch';
import { HELP, parseCli, type BridgeOptions } from './cli';
import { CredentialsState } from './credentials';
import { Forwarder } from './forwarder';
import { createLogger } from './log';
import { createReadiness, credentialsProblem } from './readiness';
import { StreamGuard } from './stream-guard';
import { UpstreamSession } from './session';
import { StatusReporter } from './status-reporter';
import { createOutput, readStdin } from './stdio';

const SHUTDOWN_GRACE_MS = 3000;

function run(options: BridgeOptions): void {
  const { profile } = options;
  const state = new CredentialsState();
  const log = createLogger(options.logLevel, () => state.keys);
  const socketPath =
    options.agentSocket ??
    agentSocketPath({ platform: process.platform, homeDir: homedir(), username: safeUsername(), env: process.env });

  const agent: AgentClient = new AgentClient({
    socketPath,
    profile,
    version: __KEYBRIDGE_VERSION__,
    state,
    log,
    onConnected: () => status.resend(),
  });
  const status = new StatusReporter(profile, (frame) => agent.sendStatus(frame));
  const guard = new StreamGuard();
  const output = createOutput(process.stdout, state.keys);
  const fetch = createAuthFetch({
    credentials: () => state.current,
    guard,
    log,
    noCredentialsMessage: () => credentialsProblem(profile, state) ?? `KeyBridge has no key for '${profile}' right now.`,
  });
  let forwarder: Forwarder | null = null;
  const upstream = new UpstreamSession({ state, fetch, guard, log, onMessage: (message) => forwarder?.fromServer(message) });
  forwarder = new Forwarder({
    profile,
    state,
    upstream,
    guard,
    status,
    log,
    output,
    ready: createReadiness({ profile, state, agent, env: process.env, log }),
  });
  const f = forwarder;

  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${why}: closing the upstream session`);
    const exit = () => {
      status.stop();
      agent.close();
      process.exit(0);
    };
    setTimeout(exit, SHUTDOWN_GRACE_MS).unref();
    upstream.close().then(exit, exit);
  };

  agent.start();
  // Node loads its fetch implementation on first use (~50 ms): do it while the agent looks up
  // and decrypts the key, instead of after, when the assistant's initialize is waiting on it.
  setImmediate(() => new Headers());
  readStdin(process.stdin, {
    message: (message) => {
      if ('method' in message && message.method === 'initialize') {
        const name = (message.params as { clientInfo?: { name?: unknown } } | undefined)?.clientInfo?.name;
        agent.identify(typeof name === 'string' ? name : 'unknown');
      }
      f.fromAssistant(message);
    },
    invalid: (response) => output.write(response),
    end: () => shutdown('stdin closed'),
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A closed stdout (the assistant went away) must not crash the bridge with EPIPE.
  process.stdout.on('error', () => shutdown('stdout closed'));
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'user';
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
