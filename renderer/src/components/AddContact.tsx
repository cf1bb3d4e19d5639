import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpointText } from '../../../shared/ipc/schemas';
import { useAppStore } from '../store/context';

/** How long "Say hello" waits for a PacketChat node at the address to answer. */
export const HELLO_WAIT_MS = 4_000;

type Outcome =
  | { kind: 'none' }
  | { kind: 'waiting'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'done'; text: string; peerId?: string };

/**
 * Says hello to an IP (first contact without broadcast) and waits a few seconds for an answer,
 * so it can say honestly whether anyone is there.
 */
export function AddContact(props: { onClose: () => void }) {
  const { t } = useTranslation();
  const addContact = useAppStore((s) => s.addContact);
  const open = useAppStore((s) => s.openConversation);
  const [address, setAddress] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const submit = async () => {
    if (!endpointText.safeParse(address).success) {
      setOutcome({ kind: 'error', text: t('contacts.addInvalid') });
      return;
    }
    const target = address.trim();
    setOutcome({ kind: 'waiting', text: t('contacts.addWaiting', { address: target }) });
    const result = await addContact(target, HELLO_WAIT_MS);
    if (!result.ok) {
      setOutcome({
        kind: 'error',
        text: t('contacts.addFailed', { address: target, message: result.error.message }),
      });
      return;
    }
    const { peer } = result.value;
    const where = `${result.value.address}:${result.value.port}`;
    if (peer) {
      setOutcome({
        kind: 'done',
        text: t('contacts.addAnswered', { nick: peer.nick }),
        peerId: peer.id,
      });
      setAddress('');
    } else {
      setOutcome({
        kind: 'error',
        text: t('contacts.addNoAnswer', { address: where, seconds: HELLO_WAIT_MS / 1000 }),
      });
    }
  };
  return (
    <form
      className="add-contact"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <input
        className="input mono"
        value={address}
        // The user just asked for this field by clicking "+".
        autoFocus
        placeholder={t('contacts.addPlaceholder')}
        aria-label={t('contacts.add')}
        aria-invalid={outcome.kind === 'error'}
        onChange={(e) => setAddress(e.target.value)}
      />
      <button type="submit" className="button primary" disabled={outcome.kind === 'waiting'}>
        {t('contacts.addSubmit')}
      </button>
      {outcome.kind !== 'none' && (
        <p
          className={
            outcome.kind === 'error'
              ? 'field-error'
              : outcome.kind === 'done'
                ? 'field-ok'
                : 'field-hint'
          }
          role={outcome.kind === 'error' ? 'alert' : 'status'}
        >
          {outcome.kind === 'waiting' && <span className="spinner small" aria-hidden="true" />}
          {outcome.text}
          {outcome.kind === 'done' && outcome.peerId !== undefined && (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                if (outcome.peerId !== undefined) open(outcome.peerId);
                props.onClose();
              }}
            >
              {t('contacts.addOpen')}
            </button>
          )}
        </p>
      )}
    </form>
  );
}
