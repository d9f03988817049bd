// Finds plaintext keys in server entries: header values (`headers`), environment values
// (`env`) and command-line headers such as mcp-remote's `--header "Authorization: Bearer …"`
// or `--header Authorization:${AUTH_HEADER}` with the value in env. Internal: what it
// returns holds raw keys and must never leave the clients module (see migration.ts).
import { z } from 'zod';
import type { AuthStyle } from '../../src-shared/endpoint';
import { maskKey } from '../../src-shared/key-format';
import { redact } from '../../src-shared/redact';
import { vendorKeyPattern } from '../../src-shared/key-prefixes';

export interface RawFinding {
  entryName: string;
  /** Where in the entry: `headers.Authorization`, `env.AUTH_HEADER`, `args[3]`. */
  location: string;
  /** The same, as a path inside the entry: `["env", "AUTH_HEADER"]`, `["args", 3]`. */
  valuePath: (string | number)[];
  key: string;
  /** The header style the entry used, when it says. */
  auth: AuthStyle | null;
  /** The remote MCP URL the entry talks to, when it names one. */
  endpoint: string | null;
  /** A local server: the command line the entry runs (it names no remote URL), else null. */
  local: string | null;
}

const VENDOR_TOKEN = vendorKeyPattern(4);
const BEARER = /^\s*bearer\s+(\S+)\s*$/i;
const HEADER_ARG = /^\s*([A-Za-z0-9-]+)\s*:\s*(.*)$/;
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/;

const entrySchema = z.object({
  type: z.string().optional(),
  command: z.string().optional(),
  url: z.string().optional(),
  serverUrl: z.string().optional(),
  args: z.array(z.unknown()).optional(),
  env: z.record(z.string(), z.unknown()).optional(),
  headers: z.record(z.string(), z.unknown()).optional(),
});

/** A value that is a placeholder, not a key: `${input:token}`, `<your key>`, `YOUR_KEY`. */
function placeholder(value: string): boolean {
  return value.length < 8 || /\$\{|[<>]|your[_-]?|replace|x{6,}/i.test(value);
}

/** The key and style a header carries, if it carries one. */
function keyInHeader(name: string, value: string): { key: string; auth: AuthStyle | null } | null {
  const header = name.toLowerCase();
  const bearer = BEARER.exec(value);
  if (header === 'authorization' && bearer?.[1] && !placeholder(bearer[1])) return { key: bearer[1], auth: 'bearer' };
  if (header === 'x-api-key' && !placeholder(value.trim())) return { key: value.trim(), auth: 'x-api-key' };
  const token = VENDOR_TOKEN.exec(value)?.[0];
  return token ? { key: token, auth: null } : null;
}

/** The key an environment value holds, if any: `Bearer …`, `X-API-Key: …` or a vendor key. */
function keyInValue(value: string): { key: string; auth: AuthStyle | null } | null {
  const asHeader = HEADER_ARG.exec(value);
  if (asHeader?.[1] && asHeader[2]) return keyInHeader(asHeader[1], asHeader[2]);
  const bearer = BEARER.exec(value);
  if (bearer?.[1] && !placeholder(bearer[1])) return { key: bearer[1], auth: 'bearer' };
  const token = VENDOR_TOKEN.exec(value)?.[0];
  return token ? { key: token, auth: null } : null;
}

function strings(values: readonly unknown[]): string[] {
  return values.map((v) => (typeof v === 'string' ? v : ''));
}

/** Plaintext keys in one server entry, one finding per distinct key. */
export function scanEntry(entryName: string, value: unknown): RawFinding[] {
  const parsed = entrySchema.safeParse(value);
  if (!parsed.success) return [];
  const entry = parsed.data;
  const args = strings(entry.args ?? []);
  const endpoint = entry.url ?? entry.serverUrl ?? args.find((a) => /^https?:\/\//i.test(a)) ?? null;
  // A program started on this machine that talks to no URL is a local server: replacing it with
  // the bridge to a remote endpoint changes what runs.
  const remoteType = entry.type !== undefined && entry.type !== 'stdio';
  const local = entry.command && endpoint === null && !remoteType ? [entry.command, ...args].join(' ') : null;
  const found: RawFinding[] = [];
  const add = (location: string, valuePath: (string | number)[], hit: { key: string; auth: AuthStyle | null } | null) => {
    if (hit && !found.some((f) => f.key === hit.key)) found.push({ entryName, location, valuePath, endpoint, local, ...hit });
  };

  for (const [name, v] of Object.entries(entry.headers ?? {})) {
    if (typeof v === 'string') add(`headers.${name}`, ['headers', name], keyInHeader(name, v));
  }

  // Headers passed on the command line. A `${VAR}` in one points at an env value: the
  // header is checked with the value put in its place (`Bearer ${TOKEN}`, `${AUTH_HEADER}`).
  const headerOfEnv = new Map<string, { name: string; template: string; ref: string }>();
  args.forEach((arg, i) => {
    const inline = /^--header=(.*)$/s.exec(arg)?.[1];
    const header = inline ?? (args[i - 1] === '--header' ? arg : null);
    const parts = header === null ? null : HEADER_ARG.exec(header);
    if (parts?.[1] !== undefined && parts[2] !== undefined) {
      const ref = ENV_REF.exec(parts[2]);
      const variable = ref?.[1] ?? ref?.[2];
      if (ref && variable) headerOfEnv.set(variable, { name: parts[1], template: parts[2], ref: ref[0] });
      else add(`args[${i}]`, ['args', i], keyInHeader(parts[1], parts[2]));
    } else if (header === null) {
      const token = VENDOR_TOKEN.exec(arg)?.[0];
      if (token && !/^https?:\/\//i.test(arg)) add(`args[${i}]`, ['args', i], { key: token, auth: null });
    }
  });

  for (const [name, v] of Object.entries(entry.env ?? {})) {
    if (typeof v !== 'string') continue;
    const use = headerOfEnv.get(name);
    add(`env.${name}`, ['env', name], use ? keyInHeader(use.name, use.template.replace(use.ref, () => v)) : keyInValue(v));
  }
  // The command line is shown to the user: never with a key in it (`--api-key uo_…`).
  if (local) {
    const shown = redact(found.reduce((line, f) => line.split(f.key).join(maskKey(f.key)), local));
    for (const f of found) f.local = shown;
  }
  return found;
}
