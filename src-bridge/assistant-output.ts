// The assistant's side, outbound: stdout carries MCP and nothing else. What the agent sends is
// passed through as it arrives (no parsing, no re-serializing: a 10 MB result costs a copy);
// the bridge only reads the first bytes of each line to learn which request it answers
// (responseIdOf, docs/agent-protocol.md). The bridge's own messages (answers to bad lines,
// errors when the agent is gone) never land inside a line the agent is still sending.
import { responseIdOf } from '../src-shared/agent-protocol';

const NEWLINE = 0x0a;
/** Enough of a line's start to read `{"jsonrpc":"2.0","id":<id>,"result":` with a long string id. */
const HEAD_CHARS = 320;

/** JSON whitespace within a line (a newline ends it); false past the chunk's end (undefined). */
const isJsonSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x09 || byte === 0x0d;

export class AssistantOutput {
  /** True while a line from the agent is only partly written. */
  private midLine = false;
  /** The current line's first HEAD_CHARS characters (JSON whitespace after its `{` left out;
   * `!` for a line that is not an object), read for the id it answers once the line is whole: a
   * line the agent was cut off in the middle of answers nothing, and its request is still owed
   * an answer. */
  private head = '';
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
    // Nothing of it (or before it) is left queued.
    const taken = !this.stream.writableLength;
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      this.readHead(chunk, start, nl === -1 ? chunk.length : nl);
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

  /** Adds what is missing of the head from chunk[from, to) (to: the line's end or the chunk's). */
  private readHead(chunk: Buffer, from: number, to: number): void {
    let at = from;
    if (this.head === '') {
      this.head = chunk[at] === 0x7b ? '{' : '!';
      at++;
    }
    // Padding after the opening brace (the agent's progress padding) is skipped, not kept.
    if (this.head === '{') while (isJsonSpace(chunk[at])) at++;
    // Nothing (an empty range) once the head is whole.
    this.head += chunk.toString('utf8', at, Math.min(to, at + HEAD_CHARS - this.head.length));
  }

  private lineEnded(): void {
    const id = responseIdOf(this.head);
    this.head = '';
    if (id !== null) this.onResponse(id);
  }
}
