// The assistant's side, outbound: stdout carries MCP and nothing else. What the agent sends is
// passed through as it arrives (no parsing, no re-serializing: a 10 MB result costs a copy);
// the bridge only reads the first bytes of each line to learn which request it answers
// (responseIdOf, docs/agent-protocol.md). The bridge's own messages (answers to bad lines,
// errors when the agent is gone) never land inside a line the agent is still sending.
import { responseIdOf } from '../src-shared/agent-protocol';

const NEWLINE = 0x0a;
/** Enough of a line's start to read `{"jsonrpc":"2.0","id":<id>,"result":` with a long string id. */
const HEAD_CHARS = 320;

const isJsonSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x09 || byte === 0x0d;

export class AssistantOutput {
  /** True while a line from the agent is only partly written. */
  private midLine = false;
  /** The current line's first bytes (JSON whitespace after its `{` left out), until judged. */
  private head = '';
  private headDone = false;
  /** The id the current line answers (read from its head), reported once the line is whole: a
   * line the agent was cut off in the middle of answers nothing, and its request is still owed
   * an answer. */
  private answers: string | null = null;
  private readonly own: string[] = [];

  constructor(
    private readonly stream: NodeJS.WritableStream & { readonly writableLength: number },
    /** Told the id (as JSON text) of each response line that goes out. */
    private readonly onResponse: (idText: string) => void,
  ) {}

  /** A chunk of the agent's stream: written as is, lines' heads read on the way. Answers
   * whether the stream took it at once (nothing of it is left queued). */
  fromAgent(chunk: Buffer): boolean {
    this.stream.write(chunk);
    const taken = this.stream.writableLength === 0;
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!this.headDone) this.readHead(chunk, start, end);
      if (nl === -1) {
        this.midLine = true;
        return taken;
      }
      this.lineEnded();
      start = nl + 1;
    }
    this.midLine = false;
    this.flushOwn();
    return taken;
  }

  /** The agent is gone mid-line: end the broken line so the next message starts clean. */
  agentLost(): void {
    if (this.midLine) this.stream.write('\n');
    this.midLine = false;
    this.head = '';
    this.headDone = false;
    this.answers = null;
    this.flushOwn();
  }

  /** One message of the bridge's own, after the agent's current line if one is half written. */
  write(message: unknown): void {
    this.own.push(`${JSON.stringify(message)}\n`);
    if (!this.midLine) this.flushOwn();
  }

  private flushOwn(): void {
    for (const line of this.own.splice(0)) this.stream.write(line);
  }

  private readHead(chunk: Buffer, from: number, to: number): void {
    let at = from;
    // Padding after the opening brace (the agent's progress padding) is skipped, not kept.
    if (this.head === '{') while (at < to && isJsonSpace(chunk[at]!)) at++;
    if (this.head === '' && at < to) {
      this.head = chunk[at] === 0x7b ? '{' : '!';
      at++;
      if (this.head === '{') while (at < to && isJsonSpace(chunk[at]!)) at++;
    }
    if (this.head === '!') return void (this.headDone = true);
    const take = Math.min(to, at + (HEAD_CHARS - this.head.length));
    if (take > at) this.head += chunk.toString('utf8', at, take);
    if (this.head.length >= HEAD_CHARS) this.judge();
  }

  private lineEnded(): void {
    if (!this.headDone) this.judge();
    const id = this.answers;
    this.head = '';
    this.headDone = false;
    this.answers = null;
    if (id !== null) this.onResponse(id);
  }

  private judge(): void {
    this.headDone = true;
    this.answers = responseIdOf(this.head);
  }
}
