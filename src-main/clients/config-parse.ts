// Reading and editing an assistant's config as text. Every file is treated as JSONC (plain
// JSON is valid JSONC) and changed with jsonc-parser edits, so every byte outside the entry
// we touch — other servers, key order, comments, indentation — stays as it was.
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { UserError } from '../../src-shared/user-error';

/** A config file that does not parse: never overwritten, reported with its line and column. */
export class ConfigParseError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${problem}. KeyBridge left the file untouched; fix it (or restore a backup) and try again.`);
    this.name = 'ConfigParseError';
  }
}

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing } was expected',
  CloseBracketExpected: 'a closing ] was expected',
  EndOfFileExpected: 'unexpected text after the end',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

const rootSchema = z.record(z.string(), z.unknown());
const serversSchema = z.record(z.string(), z.unknown());

export interface ConfigDocument {
  file: string;
  /** The text as read ('' for a missing or empty file), a byte order mark included. */
  text: string;
  root: Record<string, unknown>;
}

/** A path to a value in a config: `["mcpServers"]`, `["projects", "/src/app", "mcpServers"]`. */
export type JsonPath = readonly string[];

// Editors on Windows (Notepad, some VS Code settings) save UTF-8 with a byte order mark. It is
// not JSON, so it is set aside while parsing and editing, and put back when writing.
const BOM = '\uFEFF';

/** The text without its byte order mark, and the mark ('' when there is none). */
export function splitBom(text: string): { bom: string; body: string } {
  return text.startsWith(BOM) ? { bom: BOM, body: text.slice(1) } : { bom: '', body: text };
}

/** Parses a config's text; throws ConfigParseError naming the file, line and column. */
export function parseConfig(file: string, text: string): ConfigDocument {
  const { body } = splitBom(text);
  if (body.trim() === '') return { file, text, root: {} };
  const errors: ParseError[] = [];
  const value: unknown = parse(body, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const first = errors[0];
  if (first) {
    const { line, column } = lineAndColumn(body, first.offset);
    const code = printParseErrorCode(first.error);
    throw new ConfigParseError(file, line, column, PROBLEMS[code] ?? code);
  }
  const root = rootSchema.safeParse(value);
  if (!root.success) throw new ConfigParseError(file, 1, 1, 'the file is not a JSON object');
  return { file, text, root: root.data };
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'true/false' : 'not an object';
}

/** Where a value sits in the file (1-based), for messages about it. */
export function positionOf(text: string, path: JsonPath): { line: number; column: number } {
  const { body } = splitBom(text);
  const root = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  const node = root ? findNodeAtLocation(root, [...path]) : undefined;
  return node ? lineAndColumn(body, node.offset) : { line: 1, column: 1 };
}

/** The value at `path`, or undefined when some part of the path is missing. */
export function valueAt(doc: ConfigDocument, path: JsonPath): unknown {
  let value: unknown = doc.root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The servers object at `path` (empty when absent or null); anything else there is a
 * ConfigParseError that points at it. */
export function serversAt(doc: ConfigDocument, path: JsonPath): Record<string, unknown> {
  const value = valueAt(doc, path);
  if (value === undefined || value === null) return {};
  const servers = serversSchema.safeParse(value);
  if (!servers.success) {
    const { line, column } = positionOf(doc.text, path);
    throw new ConfigParseError(doc.file, line, column, `"${path[path.length - 1] ?? ''}" must be an object of servers, but it is ${kindOf(value)}`);
  }
  return servers.data;
}

/** The servers object of a config (empty when absent); a non-object there is an error. */
export function serversOf(doc: ConfigDocument, serversKey: string): Record<string, unknown> {
  return serversAt(doc, [serversKey]);
}

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

/** Sets `key` in the object `obj` to `value`, writing only inside the new or replaced value. */
function setProperty(text: string, obj: Node, key: string, value: unknown): string {
  const style = formattingOf(text);
  const props = obj.children ?? [];
  const existing = props.find((p) => p.children?.[0]?.value === key);
  const valueNode = existing?.children?.[1];
  if (existing && valueNode) return splice(text, valueNode.offset, valueNode.length, render(value, ownLineIndent(text, existing.offset), style));

  const last = props[props.length - 1];
  if (!last) {
    const inner = text.slice(obj.offset + 1, obj.offset + obj.length - 1);
    if (!text.includes('\n')) return splice(text, obj.offset + 1, inner.length, `${JSON.stringify(key)}:${JSON.stringify(value)}`);
    const lead = lineLead(text, obj.offset);
    const prop = `${JSON.stringify(key)}: ${render(value, lead + style.unit, style)}`;
    // `{}` or `{  }`: fill it; anything else inside (comments) stays after our property.
    const blank = /^\s*$/.test(inner);
    return splice(text, obj.offset + 1, blank ? inner.length : 0, `${style.eol}${lead}${style.unit}${prop}${blank ? style.eol + lead : ''}`);
  }

  const indent = ownLineIndent(text, last.offset);
  let at = last.offset + last.length;
  if (indent === null) return splice(text, at, 0, `,${JSON.stringify(key)}:${JSON.stringify(value)}`);
  const prop = `${JSON.stringify(key)}: ${render(value, indent, style)}`;
  const trailingComma = /^\s*,/.exec(text.slice(at));
  if (trailingComma) at += trailingComma[0].length;
  // Keep a comment that ends the last property's line on that line.
  const rest = /^[ \t]*(?:\/\/[^\r\n]*|\/\*.*?\*\/)?[ \t]*(?=\r?\n)/.exec(text.slice(at));
  const lineEnd = rest ? at + rest[0].length : at;
  const comma = trailingComma ? '' : ',';
  const tail = trailingComma ? ',' : '';
  const out = splice(text, lineEnd, 0, `${style.eol}${indent}${prop}${tail}`);
  return comma ? splice(out, last.offset + last.length, 0, comma) : out;
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
  const root = parseTree(base, [], { allowTrailingComma: true, disallowComments: false });
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
  const root = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  const node = root ? findNodeAtLocation(root, [...path]) : undefined;
  if (!node || node.type !== 'string' || typeof node.value !== 'string') throw new UserError(`No string at ${path.join('.')}.`);
  return bom + splice(body, node.offset, node.length, JSON.stringify(node.value.split(search).join(replacement)));
}

/** Appends `value` to the array at `path` (created in its parent object when absent), in the
 * array's own style; nothing else changes. */
export function appendToArray(text: string, path: JsonPath, value: unknown): string {
  const { bom, body } = splitBom(text);
  const root = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  const array = root ? findNodeAtLocation(root, [...path]) : undefined;
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1] ?? '';
  if (!array || array.type === 'null') return editEntry(text, parentPath, key, [value]);
  if (array.type !== 'array') throw new UserError(`"${key}" is not a list.`);
  const items = array.children ?? [];
  const last = items[items.length - 1];
  if (!last) return editEntry(text, parentPath, key, [value]);
  const style = formattingOf(body);
  const indent = ownLineIndent(body, last.offset);
  let at = last.offset + last.length;
  if (indent === null) return bom + splice(body, at, 0, `,${JSON.stringify(value)}`);
  const trailingComma = /^\s*,/.exec(body.slice(at));
  if (trailingComma) at += trailingComma[0].length;
  const item = `${style.eol}${indent}${render(value, indent, style)}${trailingComma ? ',' : ''}`;
  const out = splice(body, at, 0, item);
  return bom + (trailingComma ? out : splice(out, last.offset + last.length, 0, ','));
}
