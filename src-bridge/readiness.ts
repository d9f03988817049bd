// Before the first request goes upstream the bridge needs credentials. This waits for them,
// starting the tray app when running packaged, and otherwise says clearly what is wrong:
// it never hangs and never crashes.
import type { AgentClient } from './agent-client';
import type { CredentialsState } from './credentials';
import { canLaunchApp, launchApp } from './launch-app';
import type { Logger } from './log';

const WAIT_MS = 10_000;

export interface ReadinessOptions {
  profile: string;
  state: CredentialsState;
  agent: AgentClient;
  env: NodeJS.ProcessEnv;
  log: Logger;
  waitMs?: number;
}

/** Why requests cannot go upstream now, or null when they can. */
export function credentialsProblem(profile: string, state: CredentialsState): string | null | undefined {
  if (state.current) return null;
  if (state.revoked) return `KeyBridge: ${state.revoked.message} Add a key for '${profile}' in KeyBridge, then retry.`;
  if (state.agentError) return `KeyBridge: ${state.agentError.message}`;
  return undefined;
}

export function createReadiness({ profile, state, agent, env, log, waitMs = WAIT_MS }: ReadinessOptions): () => Promise<string | null> {
  let launched = false;
  const notRunning = () =>
    `KeyBridge is not running, so the bridge has no key for '${profile}'. Start the KeyBridge app (from a source checkout: npm start), then restart this MCP server in your assistant.`;

  const waitForAnswer = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const unsubscribe = state.onChange(done);
      function done() {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });

  return async () => {
    const known = credentialsProblem(profile, state);
    if (known !== undefined) return known;
    const deadline = Date.now() + waitMs;
    if (!agent.isConnected && agent.failedAttempts === 0) {
      await Promise.race([agent.nextAttempt(), new Promise((r) => setTimeout(r, waitMs).unref())]);
    }
    if (!agent.isConnected && !launched) {
      if (!canLaunchApp(env) || !launchApp(env)) return notRunning();
      launched = true;
      log.info('agent unreachable: started the KeyBridge app; waiting for it');
      agent.retryNow();
    }
    while (Date.now() < deadline) {
      const problem = credentialsProblem(profile, state);
      if (problem !== undefined) return problem;
      await waitForAnswer(Math.min(250, deadline - Date.now()));
      if (!agent.isConnected) agent.retryNow();
    }
    return (
      credentialsProblem(profile, state) ??
      (agent.isConnected
        ? `KeyBridge did not answer for profile '${profile}' within ${Math.round(waitMs / 1000)} s. Open KeyBridge and check it, then retry.`
        : launched
          ? `KeyBridge did not start within ${Math.round(waitMs / 1000)} s. Start the KeyBridge app, then restart this MCP server in your assistant.`
          : notRunning())
    );
  };
}
