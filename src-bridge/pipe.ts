// The bridge's whole job: the assistant's MCP messages to the agent and back, with every request
// answered exactly once — by the server through the agent, or by the bridge when the agent is
// not there (not running, refused, restarting). The bridge holds no key and speaks no HTTP.
import { APPROVAL_TOKEN_ENV } from '../src-shared/agent-protocol';
import { NO_CREDENTIALS, errorResponse, type JsonRpcId } from '../src-shared/jsonrpc-errors';
import { AgentLink, type Refusal } from './agent-link';
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
  private heldSince: NodeJS.Timeout | undefined;
  /** Whether this connection has had its hello (reset when it closes). */
  private helloSent = false;
  private nameTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  /** Why the agent cannot serve right now (the last refusal), shown to requests. */
  private refusal: Refusal | null = null;
  private everReady = false;
  private launched = false;
  /** Set by end(): finishes the session when the agent has closed (or at once if there was no agent). */
  private ending: (() => void) | null = null;
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
    this.link.connect();
  }

  /** A response from the agent went out to the assistant. */
  answered(idText: string): void {
    this.outstanding.delete(idText);
  }

  fromAssistant(message: JsonRpcMessage, line: string): void {
    this.setup.note(message);
    // Only a string or integer id can name a request in flight; any other value deletes nothing.
    if ('method' in message && message.method === 'notifications/cancelled') this.outstanding.delete(JSON.stringify(message.params?.requestId));
    if (this.link.ready) return this.forward(message, line);
    this.hold({ message, line });
    if (!this.link.busy) this.reconnectNow();
    // The connection waits for the assistant's name: its initialize has it (sayHello says it once).
    else if (this.setup.initialize !== null) this.sayHello();
  }

  /** The assistant closed stdin: let the agent answer what is outstanding, then end. */
  end(onDone: () => void): void {
    const finish = () => {
      // Once: closing the link below reports its close again.
      this.ending = () => undefined;
      clearTimeout(timer);
      this.failOutstanding('No answer before the assistant closed the connection.');
      clearTimeout(this.heldSince);
      clearTimeout(this.nameTimer);
      clearTimeout(this.retryTimer);
      this.link.close();
      onDone();
    };
    this.ending = finish;
    this.failHeld('The assistant closed the connection before KeyBridge answered.');
    const timer = setTimeout(finish, this.t.waitMs * 0.8);
    if (this.link.ready) this.link.end();
    else finish();
  }

  private forward(message: JsonRpcMessage, line: string): void {
    if ('method' in message && message.id !== undefined) this.outstanding.set(JSON.stringify(message.id), message.method);
    this.link.send(line);
  }

  private hold(held: Held): void {
    this.held.push(held);
    this.heldSince ??= setTimeout(() => this.failHeld(this.problem()), this.t.waitMs);
  }

  private onConnected(): void {
    if (this.setup.clientName !== null || this.everReady) return this.sayHello();
    this.nameTimer = setTimeout(() => this.sayHello(), this.t.nameWaitMs);
  }

  /** Only while busy (connecting or connected): the name timer stops when a connection closes. */
  private sayHello(): void {
    if (this.helloSent) return;
    clearTimeout(this.nameTimer);
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
    clearTimeout(this.heldSince);
    this.heldSince = undefined;
    for (const { message, line } of this.held.splice(0)) this.forward(message, line);
  }

  private onRefused(frame: Refusal): void {
    this.o.log.warn(`agent: ${frame.code}: ${frame.message}`);
    this.refusal = frame;
    this.failHeld(frame.message);
  }

  private onUnreachable(): void {
    if (this.ending) return this.ending();
    // A hello written while connecting was never read.
    this.helloSent = false;
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
    if (this.ending) return this.ending();
    clearTimeout(this.nameTimer);
    this.helloSent = false;
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
    clearTimeout(this.retryTimer);
    this.link.connect();
  }

  /** After a connection attempt failed or closed: none is open and no retry is pending. */
  private scheduleRetry(): void {
    // Retry only while something waits, or to resume a session the assistant still has open.
    if (this.held.length === 0 && !this.everReady && !this.launched) return;
    this.retryTimer = setTimeout(() => this.link.connect(), this.retryMs);
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
    clearTimeout(this.heldSince);
    this.heldSince = undefined;
    for (const { message } of this.held.splice(0)) {
      if ('method' in message && message.id !== undefined) this.answer(message.id, text);
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
}
