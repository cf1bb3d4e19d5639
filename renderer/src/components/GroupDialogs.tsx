import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { Contact, GroupInfo } from '../../../shared/domain';
import type { TransferInfo } from '../../../shared/transfers';
import { endpoint } from '../lib/format';
import { useAppStore } from '../store/context';
import { Avatar } from './Avatar';
import { Dialog } from './Dialog';
import { trustOf, useMemberName } from './members';
import { TrustBadge } from './TrustBadge';

/**
 * Peers, online first, by name: never strangers; IPMsg peers only for a multi-send (they have no
 * signing key for groups).
 */
function usePeers(withIpmsg = false): readonly Contact[] {
  return useAppStore(
    useShallow((s) =>
      Object.values(s.contacts)
        // IPMsg peers have no signing key: they can get a multi-send, never a group's messages.
        .filter((c) => c.kind === 'peer' && (withIpmsg || (c.protocol ?? 'pchat') === 'pchat'))
        .sort((a, b) => Number(b.online) - Number(a.online) || a.nick.localeCompare(b.nick)),
    ),
  );
}

function PeerChecklist(props: {
  peers: readonly Contact[];
  picked: readonly string[];
  onToggle: (id: string) => void;
  label: string;
}) {
  const { t } = useTranslation();
  if (props.peers.length === 0) return <p className="empty-hint">{t('groups.noPeers')}</p>;
  return (
    <fieldset className="peer-checklist">
      <legend>{props.label}</legend>
      {props.peers.map((c) => (
        <label key={c.id} className="peer-check">
          <input
            type="checkbox"
            checked={props.picked.includes(c.id)}
            onChange={() => props.onToggle(c.id)}
          />
          <Avatar
            id={c.id}
            name={c.nick}
            size={24}
            hue={c.avatarHue}
            presence={c.online ? c.status : 'offline'}
          />
          <span translate="no">{c.nick}</span>{' '}
          <code className="mono endpoint-small" translate="no">
            {endpoint(c.address, c.port)}
          </code>
          {!c.online && <span className="muted small"> {t('status.offline')}</span>}
        </label>
      ))}
    </fieldset>
  );
}

const toggled = (list: readonly string[], id: string) =>
  list.includes(id) ? list.filter((x) => x !== id) : [...list, id];

export function CreateGroupDialog(props: { onClose: () => void }) {
  const { t } = useTranslation();
  const peers = usePeers();
  const create = useAppStore((s) => s.createGroup);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<readonly string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    const result = await create(name.trim(), picked);
    setBusy(false);
    if (result.ok) props.onClose();
    else setError(t('groups.createFailed', { message: result.error.message }));
  };
  return (
    <Dialog title={t('groups.createTitle')} onClose={props.onClose} className="group-dialog">
      <form
        className="dialog-body"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>{t('groups.name')}</span>
          <input
            value={name}
            maxLength={64}
            onChange={(e) => setName(e.target.value)}
            placeholder={t('groups.namePlaceholder')}
          />
        </label>
        <PeerChecklist
          peers={peers}
          picked={picked}
          onToggle={(id) => setPicked(toggled(picked, id))}
          label={t('groups.pickMembers')}
        />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-footer">
          <button type="button" className="button" onClick={props.onClose}>
            {t('settings.cancel')}
          </button>
          <button type="submit" className="button primary" disabled={busy || name.trim() === ''}>
            {t('groups.createSubmit', { count: picked.length + 1 })}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** One multi-send of files: the transfers it made, and the peers whose offer was refused. */
interface FileSends {
  readonly ids: readonly string[];
  readonly total: number;
  readonly failed: readonly string[];
}

/** "Received by k of n": a transfer counts when done (the peer fetched and verified every file). */
export function fileTally(
  sends: FileSends,
  transfers: Readonly<Record<string, TransferInfo>>,
): { done: number; total: number; waiting: string[]; failed: string[] } {
  const known = sends.ids.flatMap((id) => {
    const transfer = transfers[id];
    return transfer === undefined ? [] : [transfer];
  });
  const ended = (s: TransferInfo['state']) =>
    s === 'failed' || s === 'declined' || s === 'cancelled';
  return {
    done: known.filter((x) => x.state === 'done').length,
    total: sends.total,
    waiting: known.filter((x) => x.state !== 'done' && !ended(x.state)).map((x) => x.peerId),
    failed: [...sends.failed, ...known.filter((x) => ended(x.state)).map((x) => x.peerId)],
  };
}

/** The last part of a picked path, for showing (either separator). */
function baseName(path: string): string {
  return (
    path
      .split(/[\\/]/)
      .filter((part) => part !== '')
      .pop() ?? path
  );
}

export function MultiSendDialog(props: { onClose: () => void }) {
  const { t } = useTranslation();
  const peers = usePeers(true);
  const sendMany = useAppStore((s) => s.sendMany);
  const sendFilesMany = useAppStore((s) => s.sendFilesMany);
  const pickPaths = useAppStore((s) => s.pickPaths);
  const [picked, setPicked] = useState<readonly string[]>([]);
  const [text, setText] = useState('');
  const [paths, setPaths] = useState<readonly string[]>([]);
  const [fileSends, setFileSends] = useState<FileSends | null>(null);
  const transfers = useAppStore((s) => s.transfers);
  const [batch, setBatch] = useState<string | null>(null);
  const [failedIds, setFailedIds] = useState<readonly string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const tally = useAppStore((s) => (batch === null ? undefined : s.batches[batch]));
  const name = useMemberName();
  const attach = async (kind: 'files' | 'folders') => {
    setError(null);
    const result = await pickPaths(kind);
    if (!result.ok) setError(t('multiSend.failed', { message: result.error.message }));
    else if (result.value.length > 0) setPaths([...new Set([...paths, ...result.value])]);
  };
  const submit = async () => {
    setError(null);
    if (paths.length > 0) {
      const sent = await sendFilesMany(picked, paths);
      setFileSends({
        ids: sent.sent.map((s) => s.id),
        total: picked.length,
        failed: sent.failed.map((f) => f.peerId),
      });
      setPaths([]);
    }
    if (text.trim() === '') return;
    const result = await sendMany(picked, text);
    if (!result.ok) {
      setError(t('multiSend.failed', { message: result.error.message }));
      return;
    }
    setBatch(result.value.batch);
    setFailedIds(result.value.failed.map((f) => f.peerId));
    setText('');
  };
  const files = fileSends === null ? null : fileTally(fileSends, transfers);
  const waiting = tally?.waiting ?? [];
  const refused = [...new Set([...(tally?.failed ?? []), ...failedIds])];
  return (
    <Dialog title={t('multiSend.title')} onClose={props.onClose} className="group-dialog">
      <form
        className="dialog-body"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="dialog-row">
          <button
            type="button"
            className="link-button"
            onClick={() => setPicked(peers.filter((p) => p.online).map((p) => p.id))}
          >
            {t('multiSend.allOnline')}
          </button>
        </div>
        <PeerChecklist
          peers={peers}
          picked={picked}
          onToggle={(id) => setPicked(toggled(picked, id))}
          label={t('multiSend.recipients')}
        />
        <label className="field">
          <span>{t('multiSend.text')}</span>
          <textarea value={text} rows={3} onChange={(e) => setText(e.target.value)} />
        </label>
        <div className="dialog-row">
          <button type="button" className="button" onClick={() => void attach('files')}>
            {t('multiSend.attachFiles')}
          </button>
          <button type="button" className="button" onClick={() => void attach('folders')}>
            {t('multiSend.attachFolder')}
          </button>
          {paths.length > 0 && (
            <button type="button" className="link-button" onClick={() => setPaths([])}>
              {t('multiSend.clearFiles')}
            </button>
          )}
        </div>
        {paths.length > 0 && (
          <ul className="multi-send-files" aria-label={t('multiSend.attached')}>
            {paths.map((p) => (
              <li key={p}>{baseName(p)}</li>
            ))}
          </ul>
        )}
        {files && (
          <p className="tally" role="status">
            {t('multiSend.filesReceivedOf', { k: files.done, n: files.total })}
            {files.waiting.length > 0 &&
              ` · ${t('tally.waitingFor', { names: files.waiting.map(name).join(', ') })}`}
            {files.failed.length > 0 &&
              ` · ${t('multiSend.filesFailedFor', { names: files.failed.map(name).join(', ') })}`}
          </p>
        )}
        {tally && (
          <p className="tally" role="status">
            {t('tally.deliveredOf', { k: tally.delivered, n: tally.total + failedIds.length })}
            {waiting.length > 0 &&
              ` · ${t('tally.waitingFor', { names: waiting.map(name).join(', ') })}`}
            {refused.length > 0 &&
              ` · ${t('tally.failedFor', { names: refused.map(name).join(', ') })}`}
          </p>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-footer">
          <button type="button" className="button" onClick={props.onClose}>
            {t('actions.close')}
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={picked.length === 0 || (text.trim() === '' && paths.length === 0)}
          >
            {t('multiSend.send', { count: picked.length })}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function MemberRow(props: { group: GroupInfo; id: string; canChange: boolean }) {
  const { t } = useTranslation();
  const contact = useAppStore((s) => s.contacts[props.id]);
  const selfId = useAppStore((s) => s.self?.nodeId);
  const remove = useAppStore((s) => s.removeMember);
  const makeAdmin = useAppStore((s) => s.makeAdmin);
  const [error, setError] = useState<string | null>(null);
  const name = useMemberName()(props.id);
  const me = props.id === selfId;
  const admin = props.group.admins.includes(props.id);
  const trust = trustOf(contact);
  return (
    <li className="member-row" data-member-id={props.id}>
      <Avatar
        id={props.id}
        name={name}
        size={30}
        hue={contact?.avatarHue}
        presence={me ? undefined : contact?.online ? contact.status : 'offline'}
      />
      <div className="member-text">
        <span className="nick" translate="no">
          {name}
        </span>
        {admin && <span className="role-badge">{t('groups.admin')}</span>}
        <span className="member-facts small">
          {!me && (
            <>
              <span>{t(contact?.online ? 'status.online' : 'status.offline')}</span>
              {contact && (
                <code className="mono endpoint-small" translate="no">
                  {endpoint(contact.address, contact.port)}
                </code>
              )}
              <TrustBadge trust={trust} showText />
            </>
          )}
        </span>
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </div>
      {props.canChange && !me && !admin && (
        <button
          type="button"
          className="button small"
          aria-label={t('groups.makeAdminLabel', { name })}
          onClick={() =>
            void makeAdmin(props.group.id, props.id).then((r) => {
              if (!r.ok) setError(t('groups.changeFailed', { message: r.error.message }));
            })
          }
        >
          {t('groups.makeAdmin')}
        </button>
      )}
      {props.canChange && !me && (
        <button
          type="button"
          className="button small danger"
          aria-label={t('groups.removeLabel', { name })}
          onClick={() =>
            void remove(props.group.id, props.id).then((r) => {
              if (!r.ok) setError(t('groups.changeFailed', { message: r.error.message }));
            })
          }
        >
          {t('groups.remove')}
        </button>
      )}
    </li>
  );
}

/** The group's name, and for the creator and admins a field to change it. */
function RenameForm(props: { group: GroupInfo; onError: (message: string | null) => void }) {
  const { t } = useTranslation();
  const rename = useAppStore((s) => s.renameGroup);
  const [name, setName] = useState(props.group.name);
  const trimmed = name.trim();
  return (
    <form
      className="dialog-row rename-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (trimmed === '' || trimmed === props.group.name) return;
        props.onError(null);
        void rename(props.group.id, trimmed).then((r) => {
          if (!r.ok) props.onError(t('groups.changeFailed', { message: r.error.message }));
        });
      }}
    >
      <label className="field inline">
        <span>{t('groups.renameLabel')}</span>
        <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
      </label>
      <button
        type="submit"
        className="button"
        disabled={trimmed === '' || trimmed === props.group.name}
      >
        {t('groups.renameSave')}
      </button>
    </form>
  );
}

/** The member panel: who is in, their state, and add / remove for admins, leave for everyone. */
export function MembersDialog(props: { groupId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const group = useAppStore((s) => s.groups[props.groupId]);
  const selfId = useAppStore((s) => s.self?.nodeId);
  const peers = usePeers();
  const add = useAppStore((s) => s.addMember);
  const leave = useAppStore((s) => s.leaveGroup);
  const [candidate, setCandidate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const name = useMemberName();
  if (!group) return null;
  const member = group.status === 'member';
  // The creator is an admin from version 1 on (group-rules.ts): admins are who may change.
  const canChange = member && selfId !== undefined && group.admins.includes(selfId);
  const inGroup = new Set(group.members.map((m) => m.id));
  // Me first, then admins, then everyone by name.
  const rank = (id: string) => (id === selfId ? 0 : group.admins.includes(id) ? 1 : 2);
  const members = [...group.members].sort(
    (a, b) => rank(a.id) - rank(b.id) || name(a.id).localeCompare(name(b.id)),
  );
  const outside = peers.filter((p) => !inGroup.has(p.id));
  const report = (r: { ok: boolean; error?: { message: string } }) => {
    if (!r.ok) setError(t('groups.changeFailed', { message: r.error?.message ?? '' }));
  };
  return (
    <Dialog
      title={t('groups.membersTitle', { name: group.name, count: group.members.length })}
      onClose={props.onClose}
      className="group-dialog"
    >
      <div className="dialog-body">
        {!member && <p className="notice-line">{t(`groups.status.${group.status}`)}</p>}
        {canChange && <RenameForm key={group.name} group={group} onError={setError} />}
        <ul className="member-list" aria-label={t('groups.members')}>
          {members.map((m) => (
            <MemberRow key={m.id} group={group} id={m.id} canChange={canChange} />
          ))}
        </ul>
        {canChange && (
          <form
            className="dialog-row"
            onSubmit={(e) => {
              e.preventDefault();
              if (candidate === '') return;
              setError(null);
              void add(group.id, candidate).then((r) => {
                report(r);
                if (r.ok) setCandidate('');
              });
            }}
          >
            <label className="field inline">
              <span>{t('groups.addLabel')}</span>
              <select value={candidate} onChange={(e) => setCandidate(e.target.value)}>
                <option value="">{t('groups.pickOne')}</option>
                {outside.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.nick} ({endpoint(p.address, p.port)})
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button" disabled={candidate === ''}>
              {t('groups.add')}
            </button>
          </form>
        )}
        {!canChange && member && <p className="muted small">{t('groups.onlyAdmins')}</p>}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-footer">
          {member && (
            <button
              type="button"
              className="button danger"
              onClick={() => {
                setError(null);
                void leave(group.id).then(report);
              }}
            >
              {t('groups.leave')}
            </button>
          )}
          <button type="button" className="button" onClick={props.onClose}>
            {t('actions.close')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

/** Whichever group dialog is open. */
export function GroupDialogs() {
  const dialog = useAppStore((s) => s.groupDialog);
  const close = useAppStore((s) => s.setGroupDialog);
  if (dialog === null) return null;
  if (dialog.kind === 'create') return <CreateGroupDialog onClose={() => close(null)} />;
  if (dialog.kind === 'multi-send') return <MultiSendDialog onClose={() => close(null)} />;
  return <MembersDialog groupId={dialog.groupId} onClose={() => close(null)} />;
}
