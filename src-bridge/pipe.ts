// The bridge's whole job: the assistant's MCP messages to the agent and back, with every request
// answered exactly once — by the server through the agent, or by the bridge when the agent is
// not there (not running, refused, restarting). The bridge holds no key and speaks no HTTP.
import { APPROVAL_TOKEN_ENV, type ErrorFrame } from '../src-shared/agent-protocol';
import { NO_CREDENTIALS, errorResponse, type JsonRpcId } from '../src-shared/jsonrpc-errors';
import { AgentLink } from './agent-link';
import type { AssistantOutput } from './assistant-output';
import type { JsonRpcMessage } from './assistant-input';
import { canLaunchApp, launchApp } from './launch-app';
import type { Logger } from './log';
import { SessionSetup } from '../src-shared/session-setup';

export interface PipeTimings {
  /** How long a message waits for the agent (started or restarting) before it is answered with an error. */
  waitMs: number;
  /** How long hello waits for the assistant's initialize (for its name) before going without. */
  nameWaitMs: number;
  /** Reconnect backoff. */
  retryFirstMs: number;
  retryMaxMs: number;
}

export const DEFAULT_TIMINGS: PipeTimings = { waitMs: 10_000, nameWaitMs: 1000, retryFirstMs: 100, retryMaxMs: 2000 };

export interface PipeOptions {
  profile: string;
  socketPath: string;
  version: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  output: AssistantOutput;
  timings?: Partial<PipeTimings>;
}

type Held = { message: JsonRpcMessage; line: string };

export class Pipe {
  private readonly t: PipeTimings;
  private readonly link: AgentLink;
  private readonly setup = new SessionSetup();
  /** Requests forwarded to the agent and not yet answered: id as JSON text → method. */
  private readonly outstanding = new Map<string, string>();
  /** Messages waiting for the agent to be ready. */
  private held: Held[] = [];
  private heldSince: NodeJS.Timeout | null = null;
  private helloSent = false;
  private nameTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs: number;
  /** Why the agent cannot serve right now (the last refusal), shown to requests. */
  private refusal: ErrorFrame | null = null;
  private everReady = false;
  private launched = false;
  private ending = false;
  /** Called when the agent closed after the assistant's end (or at once if there was no agent). */
  private done: (() => void) | null = null;
  private token: string | null;

  constructor(private readonly o: PipeOptions) {
    this.t = { ...DEFAULT_TIMINGS, ...o.timings };
    this.retryMs = this.t.retryFirstMs;
    this.token = o.env[APPROVAL_TOKEN_ENV] ?? null;
    this.link = new AgentLink(o.socketPath, o.log, {
      connected: () => this.onConnected(),
      unreachable: () => this.onUnreachable(),
      ready: () => this.onReady(),
      refused: (frame) => this.onRefused(frame),
      data: (chunk) => o.output.fromAgent(chunk),
      closed: (wasReady) => this.onClosed(wasReady),
    });
  }

  start(): void {
    this.connect();
  }

  /** A response from the agent went out to the assistant. */
  answered(idText: string): void {
    this.outstanding.delete(idText);
  }

  fromAssistant(message: JsonRpcMessage, line: string): void {
    this.setup.note(message);
    if ('method' in message && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof id === 'string' || typeof id === 'number') this.outstanding.delete(JSON.stringify(id));
    }
    if (this.link.ready) return this.forward(message, line);
    this.hold({ message, line });
    if (!this.link.busy) this.reconnectNow();
    else if (!this.helloSent && 'method' in message && message.method === 'initialize') this.sayHello();
  }

  /** The assistant closed stdin: let the agent answer what is outstanding, then end. */
  end(onDone: () => void): void {
    this.ending = true;
    this.failHeld('The assistant closed the connection before KeyBridge answered.');
    const finish = () => {
      clearTimeout(timer);
      this.failOutstanding('No answer before the assistant closed the connection.');
      this.stopTimers();
      this.link.close();
      onDone();
    };
    const timer = setTimeout(finish, this.t.waitMs * 0.8);
    this.done = finish;
    if (this.link.ready) this.link.end();
    else finish();
  }

  private forward(message: JsonRpcMessage, line: string): void {
    if ('method' in message && 'id' in message && message.id !== undefined) this.outstanding.set(JSON.stringify(message.id), message.method);
    this.link.send(line);
  }

  private hold(held: Held): void {
    this.held.push(held);
    this.heldSince ??= setTimeout(() => this.failHeld(this.problem()), this.t.waitMs);
  }

  private onConnected(): void {
    // The assistant's initialize may have come first and said hello on this connection already.
    if (this.helloSent) return;
    if (this.setup.clientName !== null || this.everReady) return this.sayHello();
    this.nameTimer = setTimeout(() => this.sayHello(), this.t.nameWaitMs);
  }

  private sayHello(): void {
    if (this.helloSent || !this.link.busy) return;
    if (this.nameTimer) clearTimeout(this.nameTimer);
    this.nameTimer = null;
    this.helloSent = true;
    const resume = this.everReady ? this.setup.resumeState() : null;
    const token = this.token;
    // Spent by the agent on first use; never sent twice.
    this.token = null;
    this.link.hello(this.o.profile, {
      bridge: { version: this.o.version },
      ...(this.setup.clientName !== null ? { client: { name: this.setup.clientName } } : {}),
      ...(token ? { token } : {}),
      ...(resume ? { resume } : {}),
    });
  }

  private onReady(): void {
    this.o.log.info(this.everReady ? `agent: session for '${this.o.profile}' resumed` : `agent: ready for '${this.o.profile}'`);
    this.everReady = true;
    this.refusal = null;
    this.retryMs = this.t.retryFirstMs;
    if (this.heldSince) clearTimeout(this.heldSince);
    this.heldSince = null;
    for (const { message, line } of this.held.splice(0)) this.forward(message, line);
  }

  private onRefused(frame: ErrorFrame): void {
    this.o.log.warn(`agent: ${frame.code}: ${frame.message}`);
    this.refusal = frame;
    this.failHeld(frame.message);
  }

  private onUnreachable(): void {
    if (this.ending) return this.done?.();
    if (!this.launched && canLaunchApp(this.o.env)) {
      this.launched = launchApp(this.o.env);
      if (this.launched) this.o.log.info('agent unreachable: started the KeyBridge app; waiting for it');
    }
    // Not packaged and never served: nothing will start the agent for us; say so at once.
    if (!this.launched && !this.everReady) this.failHeld(this.problem());
    this.scheduleRetry();
  }

  private onClosed(wasReady: boolean): void {
    this.o.output.agentLost();
    if (this.ending) return this.done?.();
    if (wasReady) {
      this.o.log.warn('agent: connection lost; reconnecting');
      this.failOutstanding('KeyBridge restarted while this request was in flight; retry it.');
      this.refusal = null;
      this.scheduleRetry();
    } else if (this.refusal === null) {
      this.scheduleRetry();
    } else if (this.held.length > 0) {
      // Messages that came after the refusal (before the agent closed): they try again now.
      this.reconnectNow();
    }
    // After a refusal, the next message from the assistant tries again (the user may have fixed it).
  }

  private reconnectNow(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  /** A new connection: it has had no hello yet. */
  private connect(): void {
    if (this.link.busy) return;
    this.helloSent = false;
    if (this.nameTimer) clearTimeout(this.nameTimer);
    this.nameTimer = null;
    this.link.connect();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.ending) return;
    // Retry only while something waits, or to resume a session the assistant still has open.
    if (this.held.length === 0 && !this.everReady && !this.launched) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, this.t.retryMaxMs);
  }

  /** Why messages cannot go to the agent right now. */
  private problem(): string {
    if (this.refusal) return this.refusal.message;
    if (this.everReady) return `KeyBridge went away and did not come back within ${Math.round(this.t.waitMs / 1000)} s. Start KeyBridge, then retry.`;
    if (this.launched) return `KeyBridge did not start within ${Math.round(this.t.waitMs / 1000)} s. Start the KeyBridge app, then restart this MCP server in your assistant.`;
    if (this.link.busy) return `KeyBridge did not answer for '${this.o.profile}' within ${Math.round(this.t.waitMs / 1000)} s. Open KeyBridge and check it, then retry.`;
    return `KeyBridge is not running, so '${this.o.profile}' cannot be used. Start the KeyBridge app (from a source checkout: npm start), then restart this MCP server in your assistant.`;
  }

  private failHeld(text: string): void {
    if (this.heldSince) clearTimeout(this.heldSince);
    this.heldSince = null;
    for (const { message } of this.held.splice(0)) {
      if ('method' in message && 'id' in message && message.id !== undefined) this.answer(message.id, text);
      else this.o.log.warn(`not forwarded (${'method' in message ? message.method : 'a response'}): ${text}`);
    }
  }

  private failOutstanding(text: string): void {
    for (const idText of [...this.outstanding.keys()]) this.answer(JSON.parse(idText) as JsonRpcId, text);
    this.outstanding.clear();
  }

  private answer(id: JsonRpcId, text: string): void {
    this.o.output.write(errorResponse(id, NO_CREDENTIALS, text, { profile: this.o.profile }));
  }

  private stopTimers(): void {
    for (const timer of [this.heldSince, this.nameTimer, this.retryTimer]) if (timer) clearTimeout(timer);
  }
}
