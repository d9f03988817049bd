// The headless agent's profiles file: checked for who may read it, then parsed with zod.
// Every refusal is one line that names the file and, for content, the profile and field; no
// message ever contains a key (JSON syntax errors say where, never what: V8's own message
// quotes the text around the error).
//
// Who may read it: profiles-permissions.ts; what it may contain: profiles-schema.ts.
import { statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { findNodeAtLocation, parse as parseJsonc, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { profileNameSchema } from '../../src-shared/agent-protocol';
import type { AuthStyle, NetworkSettings } from '../../src-shared/endpoint';
import { redact } from '../../src-shared/redact';
import { readOwnFile } from './profiles-permissions';
import { describeIssue, documentSchema, printable, profileSchema } from './profiles-schema';

export interface ProfileEntry {
  endpoint: string;
  auth: AuthStyle;
  key: string;
}

export interface ProfilesFile {
  profiles: ReadonlyMap<string, ProfileEntry>;
  network: NetworkSettings | undefined;
}

export type ReadResult = { ok: true; file: ProfilesFile } | { ok: false; message: string };

/** Reads and checks the file. `uid`: the current user (default: process.getuid()). */
export function readProfilesFile(path: string, options: { uid?: number | undefined } = {}): ReadResult {
  const uid = 'uid' in options ? options.uid : process.getuid?.();
  const read = readOwnFile(path, uid);
  return read.ok ? parseProfilesText(read.text, path) : read;
}

/** Parses the file's text (already read). Messages begin with `path`. */
export function parseProfilesText(text: string, path: string): ReadResult {
  const fail = (message: string, secrets: Iterable<string> = []): ReadResult => ({ ok: false, message: redact(`${path}: ${message}`, secrets) });
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return fail('is empty; it needs {"profiles": {…}}');

  const errors: ParseError[] = [];
  parseJsonc(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const firstError = errors[0];
  if (firstError) {
    const { line, column } = lineAndColumn(body, firstError.offset);
    return fail(`is not valid JSON (${describeParseError(printParseErrorCode(firstError.error))} at line ${line}, column ${column})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return fail('is not valid JSON');
  }
  const secrets = keysIn(raw);

  const document = documentSchema.safeParse(raw, { reportInput: true });
  if (!document.success) return fail(describeIssue(document.error.issues[0]), secrets);

  const duplicate = duplicateProfileName(body);
  if (duplicate !== null) return fail(`profile '${duplicate}' appears twice in "profiles"`, secrets);

  const profiles = new Map<string, ProfileEntry>();
  for (const [name, value] of Object.entries(document.data.profiles)) {
    const validName = profileNameSchema.safeParse(name);
    if (!validName.success) {
      return fail(`"${printable(name)}" is not a valid profile name: ${validName.error.issues[0]?.message ?? 'invalid'}`, secrets);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(`profile '${name}' must be an object with "endpoint", "auth" and "key"`, secrets);
    }
    const profile = profileSchema.safeParse(value, { reportInput: true });
    if (!profile.success) return fail(`profile '${name}': ${describeIssue(profile.error.issues[0])}`, secrets);
    profiles.set(name, profile.data);
  }
  let network = document.data.network;
  if (network?.extraCaCerts !== undefined) {
    // A relative path is taken from the profiles file's folder, not from wherever the agent
    // was started.
    const extraCaCerts = resolvePath(dirname(path), network.extraCaCerts);
    let isFile = false;
    try {
      isFile = statSync(extraCaCerts).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) return fail(`network.extraCaCerts is not a file: ${extraCaCerts}`, secrets);
    network = { ...network, extraCaCerts };
  }
  return { ok: true, file: { profiles, network } };
}

/** Every string under profiles.*.key, valid or not, so that refusals can redact them. */
export function keysIn(raw: unknown): string[] {
  const keys: string[] = [];
  const profiles = (raw as { profiles?: unknown } | null)?.profiles;
  if (profiles && typeof profiles === 'object') {
    for (const profile of Object.values(profiles as Record<string, unknown>)) {
      const key = (profile as { key?: unknown } | null)?.key;
      if (typeof key === 'string') keys.push(key);
    }
  }
  return keys;
}
function duplicateProfileName(text: string): string | null {
  const profiles = findNodeAtLocation(parseTree(text) ?? { type: 'null', offset: 0, length: 0 }, ['profiles']);
  if (profiles?.type !== 'object') return null;
  const seen = new Set<string>();
  for (const property of profiles.children ?? []) {
    const name = property.children?.[0]?.value;
    if (typeof name !== 'string') continue;
    if (seen.has(name)) return printable(name);
    seen.add(name);
  }
  return null;
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'bad number',
    PropertyNameExpected: 'expected a "quoted" name',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected ","',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected text after the end',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'comments are not allowed',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'bad number',
    InvalidUnicode: 'bad \\u escape',
    InvalidEscapeCharacter: 'bad escape',
    InvalidCharacter: 'control character in a string',
  };
  return words[code] ?? code;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
