import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../shared/domain';
import { useAppStore } from '../store/context';
import { Icon } from './Icon';
import { Isolated } from './PeerName';

/**
 * The warning over a conversation whose contact's key changed (docs/PROTOCOL.md, "Trust"):
 * what happened, that messages are held, and the two ways on: compare the new safety number, or
 * accept the new key (held messages then go out, and the conversation continues under it).
 */
export function KeyChangeBanner(props: { contact: Contact }) {
  const { t } = useTranslation();
  const titleId = useId();
  const openVerify = useAppStore((s) => s.openVerify);
  const accept = useAppStore((s) => s.acceptKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { contact } = props;
  const change = contact.keyChange;
  if (contact.trust !== 'key-changed' || change === undefined) return null;
  const name = { id: contact.id, nick: contact.nick };
  const onAccept = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await accept(contact.id);
    // On success this banner goes with the old contact; only a failure is left to show.
    if (!result.ok) {
      setBusy(false);
      setError(t('trust.failed', { message: result.error.message }));
    }
  };
  return (
    <section className="key-change-banner" aria-labelledby={titleId}>
      <Icon name="warning" size={22} className="banner-icon" />
      <div className="banner-text">
        <h3 id={titleId} className="banner-title">
          <Isolated text={(v) => t('trust.bannerTitle', v)} names={{ nick: name }} />
        </h3>
        <p>
          <Isolated
            text={(v) => t('trust.bannerText', { ...v, fingerprint: change.fingerprint })}
            names={{ nick: contact.nick }}
          />
        </p>
        {error !== null && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="banner-actions">
        <button type="button" className="button" onClick={() => openVerify(contact.id)}>
          {t('trust.verify')}
        </button>
        <button
          type="button"
          className="button primary"
          // Not `disabled`: that would drop the focus to the page while main answers.
          aria-disabled={busy}
          onClick={() => void onAccept()}
        >
          {t('trust.accept')}
        </button>
      </div>
    </section>
  );
}
