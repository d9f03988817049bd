// The profiles file's content rules, as zod schemas whose messages name the field and say what
// to fix: an https endpoint (http only for this machine), an `auth` style, a key that looks
// like one (never quoted back), optional network settings; unknown fields are refused.
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { authStyleSchema, networkSettingsSchema } from '../../src-shared/endpoint';

const MIN_KEY_CHARS = 8;
const MAX_KEY_CHARS = 4096;

/** Loopback only: localhost, 127.0.0.0/8, ::1 (as the URL parser normalizes them). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
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

export const profileSchema = z.strictObject({
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

export const documentSchema = z.strictObject(
  {
    profiles: z.record(z.string(), z.unknown(), { message: 'must be an object of profiles by name' }),
    network: networkSchema.optional(),
  },
  { message: 'must be a JSON object with "profiles"' },
);

/** One line for the first problem zod found: the field and what is wrong, never the value. */
export function describeIssue(issue: z.core.$ZodIssue | undefined): string {
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

/** A name from the file, shown on one line and cut short. */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is replaced
  const oneLine = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}
