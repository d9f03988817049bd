// The headless agent's profiles file: checked for who may read it, then parsed with zod.
// Every refusal is one line that names the file and, for content, the profile and field; no
// message ever contains a key (JSON syntax errors say where, never what: V8's own message
// quotes the text around the error).
//
// Permissions: the file must be a regular file owned by the current user with no group or
// other bits (0600, 0400, …). A symbolic link is refused, not followed: its target could be
// swapped or owned by someone else, and the folder watch would miss edits to it. The checks
// are made on the open file descriptor (O_NOFOLLOW, fstat), so a file swapped between the
// check and the read is never read. On Windows, where POSIX modes mean nothing, only the
// "regular file" check applies.
import { constants, closeSync, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isIPv4 } from 'node:net';
import { dirname, resolve as resolvePath } from 'node:path';
import { findNodeAtLocation, parse as parseJsonc, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { profileNameSchema } from '../../src-shared/agent-protocol';
import { authStyleSchema, networkSettingsSchema, type AuthStyle, type NetworkSettings } from '../../src-shared/endpoint';
import { redact } from '../../src-shared/redact';

/** Larger than any sensible profiles file; a bound on what is read into memory. */
export const MAX_PROFILES_FILE_BYTES = 1024 * 1024;
const MIN_KEY_CHARS = 8;
const MAX_KEY_CHARS = 4096;

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

/** The parts of a stat the permission check reads (so tests can pass any uid). */
export type FileFacts = Pick<Stats, 'uid' | 'mode' | 'isFile' | 'isSymbolicLink'>;

/** Loopback only: localhost, 127.0.0.0/8, ::1 (as the URL parser normalizes them). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/** Why `path` may not be read as a profiles file, or null when it may. `uid`: the current
 * user (undefined where the OS has no uids, i.e. Windows: owner and mode are not checked). */
export function permissionProblem(path: string, stat: FileFacts, uid: number | undefined): string | null {
  if (stat.isSymbolicLink()) return `${path} is a symbolic link; KeyBridge reads only the file itself (pass its real path).`;
  if (!stat.isFile()) return `${path} is not a regular file.`;
  if (uid === undefined) return null;
  if (stat.uid !== uid) {
    return `${path} belongs to another user (uid ${stat.uid}, you are uid ${uid}); KeyBridge reads keys only from a file you own.`;
  }
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return `${path} can be read or changed by other users (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${path}`;
  }
  return null;
}

const endpointSchema = z
  .string()
  .trim()
  .min(1, 'is empty; enter the full MCP URL, e.g. https://example.com/mcp')
  .max(2048, 'is too long')
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a URL; enter the full MCP URL, e.g. https://example.com/mcp' });
      return;
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password; put the key in "key"' });
    } else if (url.protocol === 'http:') {
      if (!isLoopbackHost(url.hostname)) {
        ctx.addIssue({ code: 'custom', message: 'must use https (http only for this machine: localhost, 127.0.0.0/8, ::1)' });
      }
    } else if (url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an https:// URL' });
    }
  });

const keySchema = z
  .string()
  .min(1, 'is empty; paste the API key')
  .superRefine((value, ctx) => {
    if (value.length === 0) return;
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (/[\u0000-\u001f\u007f]/.test(value)) ctx.addIssue({ code: 'custom', message: 'contains control characters; copy the key again' });
    else if (/\s/.test(value)) ctx.addIssue({ code: 'custom', message: 'contains spaces or line breaks; copy the key again as one piece' });
    else if (value.length < MIN_KEY_CHARS) ctx.addIssue({ code: 'custom', message: `is too short to be an API key (at least ${MIN_KEY_CHARS} characters)` });
    else if (value.length > MAX_KEY_CHARS) ctx.addIssue({ code: 'custom', message: 'is too long to be an API key' });
  });

const profileSchema = z.strictObject({
  endpoint: endpointSchema,
  auth: authStyleSchema,
  key: keySchema,
});

const networkSchema = networkSettingsSchema.strict().superRefine((value, ctx) => {
  if (value.proxy !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(value.proxy).protocol);
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: 'custom', path: ['proxy'], message: 'must be an http:// or https:// proxy URL' });
  }
});

const documentSchema = z.strictObject(
  {
    profiles: z.record(z.string(), z.unknown(), { message: 'must be an object of profiles by name' }),
    network: networkSchema.optional(),
  },
  { message: 'must be a JSON object with "profiles"' },
);

/** Reads and checks the file. `uid`: the current user (default: process.getuid()). */
export function readProfilesFile(path: string, options: { uid?: number | undefined } = {}): ReadResult {
  const uid = 'uid' in options ? options.uid : process.getuid?.();
  let fd: number;
  try {
    const problem = permissionProblem(path, lstatSync(path), uid);
    if (problem) return { ok: false, message: problem };
    // O_NOFOLLOW: a symlink swapped in after the lstat fails here; O_NONBLOCK: a FIFO swapped
    // in does not hang the open. Then the checks again, on what was actually opened.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { ok: false, message: readFailure(path, error) };
  }
  let text: string;
  try {
    const stat = fstatSync(fd);
    const problem = permissionProblem(path, stat, uid);
    if (problem) return { ok: false, message: problem };
    if (stat.size > MAX_PROFILES_FILE_BYTES) return { ok: false, message: `${path} is larger than ${MAX_PROFILES_FILE_BYTES} bytes; is it the right file?` };
    const buffer = Buffer.alloc(Math.min(stat.size + 1, MAX_PROFILES_FILE_BYTES + 1));
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_PROFILES_FILE_BYTES) return { ok: false, message: `${path} is larger than ${MAX_PROFILES_FILE_BYTES} bytes; is it the right file?` };
    text = buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    return { ok: false, message: readFailure(path, error) };
  } finally {
    closeSync(fd);
  }
  return parseProfilesText(text, path);
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

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'is invalid';
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => `"${printable(k)}"`).join(', ');
    return `${field ? `${field}: ` : ''}unknown field ${names} (a typo?)`;
  }
  if (issue.code === 'invalid_type') {
    // `input` is there because of reportInput; it is only looked at, never shown (it may be a key).
    if (issue.input === undefined && field) return `${field} is missing`;
    if (issue.message.startsWith('Invalid input')) return `${field || 'the file'} must be ${article(issue.expected)}`;
  }
  if (issue.code === 'invalid_value' && field === 'auth') return 'auth must be "x-api-key" or "bearer"';
  return field ? `${field} ${issue.message}` : issue.message;
}

function article(expected: string): string {
  if (expected === 'object' || expected === 'record') return 'an object';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
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

/** A name from the file, shown on one line and cut short. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  const oneLine = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}

function readFailure(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return `${path} does not exist.`;
    case 'EACCES':
    case 'EPERM':
      return `${path} cannot be read (permission denied).`;
    case 'ELOOP':
      return `${path} is a symbolic link; KeyBridge reads only the file itself (pass its real path).`;
    case 'EISDIR':
      return `${path} is not a regular file.`;
    default:
      return `${path} cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}).`;
  }
}
