// The stdio floor for large results: a "server" that does nothing but answer, on stdout, with
// the same result the fake vendor's `big` tool gives (`bytes` characters of text), built in
// memory. What the assistant's SDK stdio client takes to read it is the least any stdio bridge
// can cost; bench/run.ts sets ours against it as well as against the direct HTTP floor.
'use strict';
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf('\n')) !== -1) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    const message = JSON.parse(line);
    if (message.id === undefined) continue;
    let result;
    if (message.method === 'initialize') {
      result = { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'stdio-floor', version: '1.0.0' } };
    } else if (message.method === 'tools/call') {
      const bytes = message.params?.arguments?.bytes ?? 4;
      result = { content: [{ type: 'text', text: 'x'.repeat(bytes) }] };
    } else {
      result = {};
    }
    process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n`);
  }
});
process.stdin.on('end', () => process.exit(0));
