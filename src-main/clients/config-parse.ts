// Reading an assistant's config as text: every file is parsed as JSONC (plain JSON is valid
// JSONC), and values are located by path for messages and edits (config-edit.ts). A file
// that does not parse is reported with its line and column, and never written.
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

/** The syntax tree of a config's body (no byte order mark), as tolerant as the assistants are:
 * comments and trailing commas allowed. Undefined when there is no value at all. */
export function syntaxTree(body: string): Node | undefined {
  return parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
}

/** The node at `path` in a config's body, or undefined when it is not there. */
export function nodeAt(body: string, path: readonly (string | number)[]): Node | undefined {
  const root = syntaxTree(body);
  return root ? findNodeAtLocation(root, [...path]) : undefined;
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
  const node = nodeAt(body, path);
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
