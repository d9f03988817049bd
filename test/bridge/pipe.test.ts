// The bridge's pipe in process (src-bridge/pipe.ts), for orderings a spawned bridge hits only by
// chance: here the test decides what happens before the agent connection's events.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBridgeFrame, encodeFrame, PROTOCOL_VERSION } from '../../src-shared/agent-protocol';
import { createLineSplitter } from '../../src-shared/line-splitter';
import { asJsonRpc } from '../../src-bridge/assistant-input';
import { AssistantOutput } from '../../src-bridge/assistant-output';
import { createLogger } from '../../src-bridge/log';
import { Pipe } from '../../src-bridge/pipe';
import { INITIALIZE } from '../support/bridge-process';
import { until } from '../support/until';

let dir: string | undefined;
let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
  server = dir = undefined;
});

/** A stand-in agent: records the control lines it gets, answers the first hello with ready. */
async function standIn(): Promise<{ path: string; lines: string[] }> {
  dir = await mkdtemp(join(tmpdir(), 'kb-pipe-'));
  const path = join(dir, 'agent.sock');
  const lines: string[] = [];
  server = createServer((socket) => {
    sockets.push(socket);
    let ready = false;
    const splitter = createLineSplitter({
      maxLength: 1 << 20,
      onOverflow: () => undefined,
      onLine: (line) => {
        lines.push(line);
        if (!ready && decodeBridgeFrame(line).kind === 'frame') {
          ready = true;
          socket.write(encodeFrame({ type: 'ready', v: PROTOCOL_VERSION, profile: 'p' }));
        }
      },
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => splitter.push(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(path, resolve));
  return { path, lines };
}

describe('the pipe', () => {
  it('initialize read before the agent connection is up: one hello, then the message', async () => {
    const agent = await standIn();
    const output = new AssistantOutput(new PassThrough(), () => undefined);
    const pipe = new Pipe({ profile: 'p', socketPath: agent.path, version: 'test', env: {}, log: createLogger('error', () => undefined), output });
    pipe.start();
    // Same turn of the event loop as start(): the connect event has not fired yet.
    pipe.fromAssistant(asJsonRpc(INITIALIZE)!, JSON.stringify(INITIALIZE));
    await until(() => agent.lines.some((l) => l.includes('"method":"initialize"')), 'initialize at the agent');
    expect(agent.lines.filter((l) => l.includes('"type":"hello"'))).toHaveLength(1);
    expect(JSON.parse(agent.lines[0]!)).toMatchObject({ type: 'hello', v: PROTOCOL_VERSION, profile: 'p', client: { name: 'raw-test' } });
    pipe.end(() => undefined);
  });
});
