import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpointText } from '../../../shared/ipc/schemas';
import { useAppStore } from '../store/context';

type Outcome = { kind: 'none' } | { kind: 'error'; text: string } | { kind: 'done'; text: string };

/** Says hello to an IP (first contact without broadcast): `contactsAdd`. */
export function AddContact(props: { onClose: () => void }) {
  const { t } = useTranslation();
  const addContact = useAppStore((s) => s.addContact);
  const [address, setAddress] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const submit = async () => {
    if (!endpointText.safeParse(address).success) {
      setOutcome({ kind: 'error', text: t('contacts.addInvalid') });
      return;
    }
    const result = await addContact(address.trim());
    if (result.ok) {
      setOutcome({ kind: 'done', text: t('contacts.addDone', result.value) });
      setAddress('');
    } else {
      setOutcome({
        kind: 'error',
        text: t('contacts.addFailed', { address, message: result.error.message }),
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
      <button type="submit" className="button primary">
        {t('contacts.addSubmit')}
      </button>
      {outcome.kind !== 'none' && (
        <p
          className={outcome.kind === 'error' ? 'field-error' : 'field-ok'}
          role={outcome.kind === 'error' ? 'alert' : 'status'}
        >
          {outcome.text}
        </p>
      )}
    </form>
  );
}
