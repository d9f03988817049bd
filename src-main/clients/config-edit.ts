// Editing an assistant's config as text, with offsets into its JSONC (config-parse.ts), so
// every byte outside the entry we touch — other servers, key order, comments, indentation —
// stays as it was. jsonc-parser's formatter is not used: it reformats neighbouring lines.
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import { UserError } from '../../src-shared/user-error';
import { nodeAt, splitBom, syntaxTree, type JsonPath } from './config-parse';

/** Indentation and line endings as the file already uses them. */
export function formattingOf(text: string): { unit: string; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)["/]/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { unit: '\t', eol };
  return { unit: indent ? ' '.repeat(indent.length) : '  ', eol };
}

/** The whitespace a line starts with. */
function lineLead(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** The indentation before `offset` when only whitespace precedes it on its line, else null (compact JSON). */
function ownLineIndent(text: string, offset: number): string | null {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const lead = text.slice(start, offset);
  return /^[ \t]*$/.test(lead) ? lead : null;
}

/** A value as JSON, multi-line at `indent` in the file's style, or compact for compact files. */
function render(value: unknown, indent: string | null, style: { unit: string; eol: string }): string {
  if (indent === null) return JSON.stringify(value);
  return JSON.stringify(value, null, style.unit).split('\n').join(style.eol + indent);
}

function splice(text: string, at: number, remove: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + remove);
}

/** Adds a member (a property or a list item) after `last`, the last member of its object or
 * list: compact after a compact member; else on a line of its own at the same indentation,
 * after the comma (added when the last member had none) and after a comment that ends the
 * last member's line, which stays there. */
function appendAfter(text: string, last: Node, compact: string, pretty: (indent: string) => string): string {
  const style = formattingOf(text);
  const indent = ownLineIndent(text, last.offset);
  let at = last.offset + last.length;
  if (indent === null) return splice(text, at, 0, `,${compact}`);
  const trailingComma = /^\s*,/.exec(text.slice(at));
  if (trailingComma) at += trailingComma[0].length;
  const rest = /^[ \t]*(?:\/\/[^\r\n]*|\/\*.*?\*\/)?[ \t]*(?=\r?\n)/.exec(text.slice(at));
  const lineEnd = rest ? at + rest[0].length : at;
  const out = splice(text, lineEnd, 0, `${style.eol}${indent}${pretty(indent)}${trailingComma ? ',' : ''}`);
  return trailingComma ? out : splice(out, last.offset + last.length, 0, ',');
}

/** Sets `key` in the object `obj` to `value`, writing only inside the new or replaced value. */
function setProperty(text: string, obj: Node, key: string, value: unknown): string {
  const style = formattingOf(text);
  const props = obj.children ?? [];
  const existing = props.find((p) => p.children?.[0]?.value === key);
  const valueNode = existing?.children?.[1];
  if (existing && valueNode) return splice(text, valueNode.offset, valueNode.length, render(value, ownLineIndent(text, existing.offset), style));

  const compact = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  const last = props[props.length - 1];
  if (!last) {
    const inner = text.slice(obj.offset + 1, obj.offset + obj.length - 1);
    if (!text.includes('\n')) return splice(text, obj.offset + 1, inner.length, compact);
    const lead = lineLead(text, obj.offset);
    const prop = `${JSON.stringify(key)}: ${render(value, lead + style.unit, style)}`;
    // `{}` or `{  }`: fill it; anything else inside (comments) stays after our property.
    const blank = /^\s*$/.test(inner);
    return splice(text, obj.offset + 1, blank ? inner.length : 0, `${style.eol}${lead}${style.unit}${prop}${blank ? style.eol + lead : ''}`);
  }

  return appendAfter(text, last, compact, (indent) => `${JSON.stringify(key)}: ${render(value, indent, style)}`);
}

/** Removes property `key` of `obj` with its line and its comma, leaving every other byte
 * (comments next to neighbours included) as it was. */
function removeProperty(text: string, obj: Node, key: string): string {
  const props = obj.children ?? [];
  const index = props.findIndex((p) => p.children?.[0]?.value === key);
  const prop = props[index];
  if (!prop) return text;
  const inner = { start: obj.offset + 1, end: obj.offset + obj.length - 1 };
  if (props.length === 1 && /^\s*(?:,\s*)?$/.test(text.slice(inner.start, prop.offset) + text.slice(prop.offset + prop.length, inner.end))) {
    return splice(text, inner.start, inner.end - inner.start, ''); // back to `{}`
  }
  let start = prop.offset;
  let end = prop.offset + prop.length;
  const followingComma = /^[ \t]*,/.exec(text.slice(end));
  if (followingComma) end += followingComma[0].length;
  if (ownLineIndent(text, prop.offset) !== null) {
    const restOfLine = /^[ \t]*\r?\n/.exec(text.slice(end));
    if (restOfLine) {
      start = text.lastIndexOf('\n', prop.offset - 1) + 1;
      end += restOfLine[0].length;
    }
  }
  let out = splice(text, start, end - start, '');
  // The last property went without a trailing comma: the one before it loses its comma.
  const previous = props[index - 1];
  if (!followingComma && previous) {
    const after = previous.offset + previous.length;
    const comma = /^\s*,/.exec(out.slice(after));
    if (comma) out = splice(out, after + comma[0].length - 1, 1, '');
  }
  return out;
}

/** Sets (value) or removes (undefined) one server entry of the servers object at
 * `serversPath` (created, with any missing parent, when absent or null). Every byte outside that
 * entry stays as it was: jsonc-parser's formatter is not used, since it reformats neighbouring
 * lines. A byte order mark stays. */
export function editEntry(text: string, serversPath: string | JsonPath, name: string, value: unknown): string {
  const path = typeof serversPath === 'string' ? [serversPath] : serversPath;
  const { bom, body } = splitBom(text);
  if (body.trim() === '' && value === undefined) return text;
  // An empty file, or a bare `{}`, is written out pretty.
  const created = body.trim() === '' || body.trim() === '{}';
  const base = created ? '{\n}' : body;
  const root = syntaxTree(base);
  if (!root || root.type !== 'object') throw new UserError('The config is not a JSON object.');
  // The deepest object along the path that exists; `null` counts as absent.
  let node: Node = root;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const child = findNodeAtLocation(node, [path[depth] ?? '']);
    if (!child || child.type === 'null') break;
    if (child.type !== 'object') throw new UserError(`"${path[depth] ?? ''}" is not an object.`);
    node = child;
  }
  if (depth === path.length) {
    if (value === undefined) return created ? text : bom + removeProperty(base, node, name);
    const out = setProperty(base, node, name, value);
    return bom + (created ? `${out}\n` : out);
  }
  if (value === undefined) return text;
  const nested = path.slice(depth + 1).reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), { [name]: value });
  const out = setProperty(base, node, path[depth] ?? '', nested);
  return bom + (created ? `${out}\n` : out);
}

/** Replaces `search` inside the string at `path` (e.g. a key inside `"Bearer uo_…"`); nothing
 * else in the file changes. */
export function replaceInString(text: string, path: readonly (string | number)[], search: string, replacement: string): string {
  const { bom, body } = splitBom(text);
  const node = nodeAt(body, path);
  if (!node || node.type !== 'string' || typeof node.value !== 'string') throw new UserError(`No string at ${path.join('.')}.`);
  return bom + splice(body, node.offset, node.length, JSON.stringify(node.value.split(search).join(replacement)));
}

/** Appends `value` to the array at `path` (created in its parent object when absent), in the
 * array's own style; nothing else changes. */
export function appendToArray(text: string, path: JsonPath, value: unknown): string {
  const { bom, body } = splitBom(text);
  const array = nodeAt(body, path);
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1] ?? '';
  if (!array || array.type === 'null') return editEntry(text, parentPath, key, [value]);
  if (array.type !== 'array') throw new UserError(`"${key}" is not a list.`);
  const items = array.children ?? [];
  const last = items[items.length - 1];
  if (!last) return editEntry(text, parentPath, key, [value]);
  const style = formattingOf(body);
  return bom + appendAfter(body, last, JSON.stringify(value), (indent) => render(value, indent, style));
}
