import fc from 'fast-check';
import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { appendToArray, editEntry, replaceInString } from '../../../src-main/clients/config-edit';
import { ConfigParseError, lineAndColumn, parseConfig, serversAt } from '../../../src-main/clients/config-parse';

const ENTRY = { command: '/home/u/.keybridge/bin/keybridge-bridge', args: ['--profile', 'p1'] };

/** A config file as people and apps write them: any indentation, CRLF or LF, comments after
 * values and on their own lines, trailing commas or not, compact or pretty. */
const configText = fc
  .record({
    servers: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { maxLength: 4 }),
    indent: fc.constantFrom('  ', '    ', '\t'),
    eol: fc.constantFrom('\n', '\r\n'),
    comments: fc.boolean(),
    trailing: fc.boolean(),
    compact: fc.boolean(),
    before: fc.boolean(),
  })
  .map(({ servers, indent, eol, comments, trailing, compact, before }) => {
    if (compact) {
      const body = servers.map((s) => `"${s}":{"command":"npx","args":["${s}"]}`).join(',');
      return `{"mcpServers":{${body}}${before ? ',"other":true' : ''}}`;
    }
    const i2 = indent + indent;
    const lines = servers.map((s, n) => {
      const comma = n < servers.length - 1 || trailing ? ',' : '';
      const note = comments ? ` // ${s} note` : '';
      return `${i2}"${s}": { "command": "npx", "args": ["${s}"] }${comma}${note}`;
    });
    const head = comments ? [`// top comment`, '{', `${indent}/* servers */`] : ['{'];
    const other = before ? [`${indent}"other": true,`] : [];
    // (An empty servers object is written `{}`: removing our only entry gives back `{}`.)
    const block = servers.length ? [`${indent}"mcpServers": {`, ...lines, `${indent}}${trailing ? ',' : ''}`] : [`${indent}"mcpServers": {}${trailing ? ',' : ''}`];
    return [...head, ...other, ...block, '}', ''].join(eol);
  });

describe('JSONC edits', () => {
  it('adding then removing our entry gives back the exact bytes; nothing outside it changes', () => {
    fc.assert(
      fc.property(configText, (text) => {
        const added = editEntry(text, 'mcpServers', 'keybridge-p1', ENTRY);
        const before = parse(text) as { mcpServers: Record<string, unknown> };
        const after = parse(added) as { mcpServers: Record<string, unknown> };
        expect(Object.keys(after.mcpServers)).toEqual([...Object.keys(before.mcpServers), 'keybridge-p1']);
        expect(after.mcpServers['keybridge-p1']).toEqual(ENTRY);
        expect(() => parseConfig('x', added)).not.toThrow();
        // Every original byte is still there, in order, with only our text (and a comma) added.
        let at = 0;
        for (const ch of text) {
          at = added.indexOf(ch, at);
          expect(at).toBeGreaterThanOrEqual(0);
          at++;
        }
        expect(added.length - text.length).toBeLessThan(JSON.stringify(ENTRY, null, '\t\t').length * 3);
        expect(editEntry(added, 'mcpServers', 'keybridge-p1', undefined)).toBe(text);
        // Replacing it again changes nothing else either.
        const replaced = editEntry(added, 'mcpServers', 'keybridge-p1', { ...ENTRY, args: ['--profile', 'p2'] });
        expect(editEntry(replaced, 'mcpServers', 'keybridge-p1', undefined)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('creates the servers object when missing, and a pretty file from nothing', () => {
    expect(editEntry('', 'servers', 'kb', { type: 'stdio' })).toBe('{\n  "servers": {\n    "kb": {\n      "type": "stdio"\n    }\n  }\n}\n');
    expect(parse(editEntry('{\n  // hi\n  "a": 1\n}\n', 'servers', 'kb', { x: 1 }))).toEqual({ a: 1, servers: { kb: { x: 1 } } });
  });

  it('reports parse errors with 1-based line and column', () => {
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(() => parseConfig('/x/mcp.json', '{\n  "a": 1,\n  "b" 2\n}')).toThrow('/x/mcp.json:3:7: a colon was expected');
    expect(() => parseConfig('/x/mcp.json', '[1]')).toThrow(ConfigParseError);
    expect(parseConfig('/x/mcp.json', '  ').root).toEqual({});
  });

  it('reads past a UTF-8 BOM and keeps it; positions count from after it', () => {
    const text = '\uFEFF{\r\n  "mcpServers": {}\r\n}\r\n';
    expect(parseConfig('/x', text).root).toEqual({ mcpServers: {} });
    expect(editEntry(text, 'mcpServers', 'kb', { x: 1 })).toBe('\uFEFF{\r\n  "mcpServers": {\r\n    "kb": {\r\n      "x": 1\r\n    }\r\n  }\r\n}\r\n');
    expect(() => parseConfig('/x', '\uFEFF{\n  "a" 1\n}')).toThrow('/x:2:7: a colon was expected');
  });

  it('servers at a nested path: null is none, anything else is reported where it is', () => {
    const doc = parseConfig('/x', '{\n  "projects": {\n    "/p": { "mcpServers": null },\n    "/q": { "mcpServers": "no" }\n  }\n}');
    expect(serversAt(doc, ['projects', '/p', 'mcpServers'])).toEqual({});
    expect(serversAt(doc, ['projects', '/none', 'mcpServers'])).toEqual({});
    expect(() => serversAt(doc, ['projects', '/q', 'mcpServers'])).toThrow('/x:4:27: "mcpServers" must be an object of servers, but it is a string');
  });

  it('sets an entry at a nested path, creating what is missing and replacing a null', () => {
    expect(parse(editEntry('{"mcp": null}', ['mcp', 'servers'], 'kb', { x: 1 }))).toEqual({ mcp: { servers: { kb: { x: 1 } } } });
    expect(editEntry('{\n  "a": 1,\n  "mcpServers": null\n}\n', 'mcpServers', 'kb', 1)).toBe('{\n  "a": 1,\n  "mcpServers": {\n    "kb": 1\n  }\n}\n');
    expect(editEntry('{"mcpServers": null}', 'mcpServers', 'kb', undefined)).toBe('{"mcpServers": null}');
  });

  it('appends to a list in its own style, or creates it', () => {
    expect(appendToArray('{"inputs":[{"id":"a"}]}', ['inputs'], { id: 'b' })).toBe('{"inputs":[{"id":"a"},{"id":"b"}]}');
    expect(appendToArray('{\n  "inputs": [\n    1,\n  ]\n}', ['inputs'], 2)).toBe('{\n  "inputs": [\n    1,\n    2,\n  ]\n}');
    expect(appendToArray('{\n  "inputs": [\n    1\n  ]\n}', ['inputs'], 2)).toBe('{\n  "inputs": [\n    1,\n    2\n  ]\n}');
    expect(parse(appendToArray('{\n  "servers": {}\n}', ['inputs'], 1))).toEqual({ servers: {}, inputs: [1] });
    expect(parse(appendToArray('{"mcp": {"inputs": []}}', ['mcp', 'inputs'], 1))).toEqual({ mcp: { inputs: [1] } });
  });

  it('replaces a piece of one string and nothing else', () => {
    const text = '{ "a": { "args": ["x", "Bearer k1"] }, "b": "k1" }';
    expect(replaceInString(text, ['a', 'args', 1], 'k1', '${input:k}')).toBe('{ "a": { "args": ["x", "Bearer ${input:k}"] }, "b": "k1" }');
  });
});

