/** Settings as the form edits them (ports and targets as text) and their field-by-field checks. */
import { parsePort } from '../../../shared/address';
import {
  endpointText,
  relaySettingSchema,
  relayUrlText,
  settingsSchema,
  type RelaySetting,
  type Settings,
} from '../../../shared/ipc/schemas';

export type FieldName = keyof Settings;

/** One relay broker as its text fields hold it ('' for a field left empty). */
export interface RelayDraft {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** Main keeps a password for this broker; the form shows "Password saved · Replace". */
  readonly passwordSet: boolean;
  readonly caFile: string;
}

/** The settings with ports, targets and relay brokers as the text fields hold them. */
export type Draft = Readonly<
  Omit<Settings, 'serverPort' | 'clientPort' | 'discoveryTargets' | 'relays'> & {
    serverPort: string;
    clientPort: string;
    discoveryTargets: string;
    relays: readonly RelayDraft[];
  }
>;

export const EMPTY_RELAY: RelayDraft = {
  url: '',
  username: '',
  password: '',
  passwordSet: false,
  caFile: '',
};

export type ErrorKey =
  | 'required'
  | 'tooLong'
  | 'port'
  | 'target'
  | 'targetPort'
  | 'tooMany'
  | 'invalid'
  | 'relayUrl'
  | 'relayTooMany'
  | 'relayTooLong'
  | 'relayCaPlain';

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
    relays: s.relays.map((r) => ({
      url: r.url,
      username: r.username ?? '',
      password: r.password ?? '',
      passwordSet: r.passwordSet === true,
      caFile: r.caFile ?? '',
    })),
  };
}

/** The schema's limit, repeated here only for the message. */
const MAX_RELAYS = 8;

/**
 * Checks the relay rows with the schema main uses. A row left wholly empty is dropped; an error
 * names its row (`params.n`, from 1) so the form marks that row.
 */
function checkRelays(rows: readonly RelayDraft[]): Checked<RelaySetting[]> {
  const relays: RelaySetting[] = [];
  for (const [i, row] of rows.entries()) {
    const n = i + 1;
    if ([row.url, row.username, row.password, row.caFile].every((v) => v.trim() === '')) continue;
    if (!relayUrlText.safeParse(row.url).success)
      return { ok: false, error: { key: 'relayUrl', params: { n } } };
    const caFile = row.caFile.trim();
    if (caFile !== '' && !row.url.trim().startsWith('mqtts://'))
      return { ok: false, error: { key: 'relayCaPlain', params: { n } } };
    const parsed = relaySettingSchema.safeParse({
      url: row.url,
      ...(row.username === '' ? {} : { username: row.username }),
      ...(row.password === ''
        ? row.passwordSet
          ? { passwordSet: true }
          : {}
        : { password: row.password }),
      ...(caFile === '' ? {} : { caFile }),
    });
    if (!parsed.success) return { ok: false, error: { key: 'relayTooLong', params: { n } } };
    relays.push(parsed.data);
  }
  if (relays.length > MAX_RELAYS)
    return { ok: false, error: { key: 'relayTooMany', params: { max: MAX_RELAYS } } };
  return { ok: true, value: relays };
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
    case 'relays':
      return checkRelays(draft.relays);
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
