// Reading and editing an assistant's config as text. Every file is treated as JSONC (plain
// JSON is valid JSONC) and changed with jsonc-parser edits, so every byte outside the entry
// we touch — other servers, key order, comments, indentation — stays as it was.
import { applyEdits, modify, parse, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { z } from 'zod';

/** A config file that does not parse: never overwritten, reported with its line and column. */
export class ConfigParseError extends Error {
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
  /** The text as read ('' for a missing or empty file). */
  text: string;
  root: Record<string, unknown>;
}

/** Parses a config's text; throws ConfigParseError naming the file, line and column. */
export function parseConfig(file: string, text: string): ConfigDocument {
  if (text.trim() === '') return { file, text, root: {} };
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const first = errors[0];
  if (first) {
    const { line, column } = lineAndColumn(text, first.offset);
    const code = printParseErrorCode(first.error);
    throw new ConfigParseError(file, line, column, PROBLEMS[code] ?? code);
  }
  const root = rootSchema.safeParse(value);
  if (!root.success) throw new ConfigParseError(file, 1, 1, 'the file is not a JSON object');
  return { file, text, root: root.data };
}

/** The servers object of a config (empty when absent); a non-object there is an error. */
export function serversOf(doc: ConfigDocument, serversKey: string): Record<string, unknown> {
  const value = doc.root[serversKey];
  if (value === undefined || value === null) return {};
  const servers = serversSchema.safeParse(value);
  if (!servers.success) throw new ConfigParseError(doc.file, 1, 1, `"${serversKey}" is not an object`);
  return servers.data;
}

/** Indentation and line endings as the file already uses them. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)["/]/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent ? indent.length : 2, eol };
}

/** Sets (value) or removes (undefined) one server entry, touching nothing else. */
export function editEntry(text: string, serversKey: string, name: string, value: unknown): string {
  const base = text.trim() === '' ? '{}' : text;
  const formattingOptions = formattingOf(base);
  const edits = modify(base, [serversKey, name], value, { formattingOptions });
  let out = applyEdits(base, edits);
  if (text.trim() === '') out += formattingOptions.eol ?? '\n';
  return out;
}
