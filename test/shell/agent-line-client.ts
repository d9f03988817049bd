// A raw protocol-v1 client on the agent socket, for tests that play a bridge by hand: it
// sends frames and collects the agent's answers line by line.
import { connect, type Socket } from 'node:net';
import { decodeAgentFrame, encodeFrame, type AgentToBridgeFrame, type BridgeToAgentFrame } from '../../src-shared/agent-protocol';

export interface LineClient {
  frames: AgentToBridgeFrame[];
  send(frame: BridgeToAgentFrame): void;
  next(timeoutMs?: number): Promise<AgentToBridgeFrame>;
  close(): void;
}

export async function connectLineClient(socketPath: string): Promise<LineClient> {
  const socket: Socket = connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const frames: AgentToBridgeFrame[] = [];
  const waiters: ((frame: AgentToBridgeFrame) => void)[] = [];
  let read = 0;
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const decoded = decodeAgentFrame(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      if (decoded.kind !== 'frame') continue;
      frames.push(decoded.frame);
      waiters.shift()?.(decoded.frame);
    }
  });
  return {
    frames,
    send: (frame) => void socket.write(encodeFrame(frame)),
    next(timeoutMs = 5000) {
      if (read < frames.length) return Promise.resolve(frames[read++] as AgentToBridgeFrame);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame from the agent in time')), timeoutMs);
        waiters.push((frame) => {
          clearTimeout(timer);
          read++;
          resolve(frame);
        });
      });
    },
    close: () => socket.destroy(),
  };
}
