/** Settings as the form edits them (ports and targets as text) and their field-by-field checks. */
import { parsePort } from '../../../shared/address';
import { endpointText, settingsSchema, type Settings } from '../../../shared/ipc/schemas';

export type FieldName = keyof Settings;

/** The settings with ports and targets as the text fields hold them. */
export type Draft = Readonly<
  Omit<Settings, 'serverPort' | 'clientPort' | 'discoveryTargets'> & {
    serverPort: string;
    clientPort: string;
    discoveryTargets: string;
  }
>;

export type ErrorKey =
  'required' | 'tooLong' | 'port' | 'target' | 'targetPort' | 'tooMany' | 'invalid';

/** A problem with one field: a message key with its values, or a server's own words. */
export type FieldError =
  | { readonly key: ErrorKey; readonly params?: Readonly<Record<string, string | number>> }
  | { readonly text: string };

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FieldError };

export function toDraft(s: Settings): Draft {
  return {
    ...s,
    serverPort: String(s.serverPort),
    clientPort: String(s.clientPort),
    discoveryTargets: s.discoveryTargets.join('\n'),
  };
}

function checkPort(text: string): Checked<number> {
  const port = parsePort(text.trim());
  return port === undefined ? { ok: false, error: { key: 'port' } } : { ok: true, value: port };
}

/** The schema's limit, repeated here only for the message. */
const MAX_TARGETS = 64;

function checkTargets(text: string): Checked<string[]> {
  const lines = text.split('\n').map((l) => l.trim());
  const targets: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    if (!endpointText.safeParse(line).success) {
      return { ok: false, error: { key: 'target', params: { line: i + 1, value: line } } };
    }
    const colon = line.indexOf(':');
    if (colon !== -1 && parsePort(line.slice(colon + 1)) === undefined) {
      return { ok: false, error: { key: 'targetPort', params: { line: i + 1 } } };
    }
    targets.push(line);
  }
  if (!settingsSchema.shape.discoveryTargets.safeParse(targets).success) {
    return { ok: false, error: { key: 'tooMany', params: { max: MAX_TARGETS } } };
  }
  return { ok: true, value: targets };
}

function checkNick(text: string): Checked<string> {
  const parsed = settingsSchema.shape.nick.safeParse(text);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  if (issue?.code === 'too_big')
    return { ok: false, error: { key: 'tooLong', params: { max: Number(issue.maximum) } } };
  return { ok: false, error: { key: 'required' } };
}

/** Checks one field of the draft with the same schema main uses; returns the value to save. */
export function checkField(draft: Draft, field: FieldName): Checked<Settings[FieldName]> {
  switch (field) {
    case 'nick':
      return checkNick(draft.nick);
    case 'serverPort':
    case 'clientPort':
      return checkPort(draft[field]);
    case 'discoveryTargets':
      return checkTargets(draft.discoveryTargets);
    default: {
      const parsed = settingsSchema.shape[field].safeParse(draft[field]);
      return parsed.success
        ? { ok: true, value: parsed.data }
        : { ok: false, error: { key: 'invalid' } };
    }
  }
}

export const FIELDS = Object.keys(settingsSchema.shape) as FieldName[];

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The changed fields, or the errors of every invalid field; never a mix. */
export function buildPatch(
  draft: Draft,
  saved: Settings,
): { readonly patch: Partial<Settings>; readonly errors: Partial<Record<FieldName, FieldError>> } {
  const patch: Record<string, unknown> = {};
  const errors: Partial<Record<FieldName, FieldError>> = {};
  for (const field of FIELDS) {
    const checked = checkField(draft, field);
    if (!checked.ok) errors[field] = checked.error;
    else if (!sameValue(checked.value, saved[field])) patch[field] = checked.value;
  }
  return { patch: Object.keys(errors).length > 0 ? {} : patch, errors };
}
