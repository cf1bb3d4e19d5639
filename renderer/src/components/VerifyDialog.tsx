import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/context';
import type { SafetyNumber } from '../store/state';
import { Dialog } from './Dialog';
import { Isolated } from './PeerName';
import { QrCode } from './QrCode';
import { TrustBadge, trustOf } from './TrustBadge';

/** The 60 digits as Signal shows them: 12 groups of 5 (docs/CRYPTO.md, "Safety number"). */
export function safetyGroups(digits: string): string[] {
  return digits.match(/.{1,5}/g) ?? [];
}

type Answer =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly message: string }
  | { readonly state: 'ready'; readonly number: SafetyNumber };

function SafetyNumberView(props: { number: SafetyNumber; nick: string; newKey: boolean }) {
  const { t } = useTranslation();
  const { number } = props;
  return (
    <>
      <div className="verify-codes">
        <section className="safety-number" aria-label={t('trust.safetyNumber')}>
          <h3 className="verify-heading">{t('trust.safetyNumber')}</h3>
          <p className="safety-digits mono" translate="no">
            {safetyGroups(number.digits).map((group, i) => (
              <span key={i} className="safety-group">
                {group}{' '}
              </span>
            ))}
          </p>
        </section>
        <figure className="qr-figure">
          <QrCode text={number.qr} label={t('trust.qr')} pixels={184} />
          <figcaption className="field-hint">{t('trust.qrNote')}</figcaption>
        </figure>
      </div>
      <dl className="fingerprints">
        <dt>
          <Isolated
            text={(v) => t(props.newKey ? 'trust.newKey' : 'trust.theirKey', v)}
            names={{ nick: props.nick }}
          />
        </dt>
        <dd className="mono" translate="no">
          {number.fingerprint}
        </dd>
        <dt>{t('trust.myKey')}</dt>
        <dd className="mono" translate="no">
          {number.mine}
        </dd>
      </dl>
    </>
  );
}

/**
 * The verify view: the safety number with a contact (with its new key, when the key changed),
 * its QR code, both fingerprints, how to compare them, and the decision: mark as verified, or
 * accept the new key.
 */
function VerifyBody(props: { peerId: string }) {
  const { t } = useTranslation();
  const contact = useAppStore((s) => s.contacts[props.peerId]);
  const close = useAppStore((s) => s.openVerify);
  const safetyNumber = useAppStore((s) => s.safetyNumber);
  const verify = useAppStore((s) => s.verifyContact);
  const accept = useAppStore((s) => s.acceptKey);
  const [answer, setAnswer] = useState<Answer>({ state: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nick = contact?.nick ?? props.peerId;
  const changedTo = contact?.keyChange?.to;
  // A changed key: the number to compare is the one with the new key.
  const target = changedTo ?? props.peerId;
  useEffect(() => {
    let live = true;
    void safetyNumber(target).then((result) => {
      if (!live) return;
      setAnswer(
        result.ok
          ? { state: 'ready', number: result.value }
          : { state: 'error', message: result.error.message },
      );
    });
    return () => {
      live = false;
    };
  }, [safetyNumber, target]);
  if (contact === undefined) return null;
  const trust = trustOf(contact);
  const run = async (call: () => Promise<{ ok: boolean; error?: { message: string } }>) => {
    if (busy) return false;
    setBusy(true);
    setError(null);
    const result = await call();
    setBusy(false);
    if (!result.ok) setError(t('trust.failed', { message: result.error?.message ?? '' }));
    return result.ok;
  };
  const verified = trust === 'verified';
  return (
    <Dialog
      title={
        <Isolated text={(v) => t('trust.title', v)} names={{ nick: { id: props.peerId, nick } }} />
      }
      onClose={() => close(null)}
      className="verify-dialog"
    >
      <div className="dialog-body verify-body">
        <p className="verify-state">
          <TrustBadge trust={trust} showText />
        </p>
        <p className="dialog-text">
          <Isolated
            text={(v) => t(changedTo === undefined ? 'trust.intro' : 'trust.newKeyIntro', v)}
            names={{ nick }}
          />
        </p>
        {answer.state === 'loading' && <p className="muted">{t('trust.loading')}</p>}
        {answer.state === 'error' && (
          <p className="field-error" role="alert">
            {t('trust.error', { message: answer.message })}
          </p>
        )}
        {answer.state === 'ready' && (
          <SafetyNumberView number={answer.number} nick={nick} newKey={changedTo !== undefined} />
        )}
        <section className="verify-how" aria-label={t('trust.how')}>
          <h3 className="verify-heading">{t('trust.how')}</h3>
          <ul>
            <li>{t('trust.inPerson')}</li>
            <li>{t('trust.byPhone')}</li>
          </ul>
        </section>
        {verified && (
          <p className="field-ok" role="status">
            <Isolated text={(v) => t('trust.isVerified', v)} names={{ nick }} />
          </p>
        )}
        {error !== null && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <footer className="dialog-footer">
        <button type="button" className="button" onClick={() => close(null)}>
          {t('actions.close')}
        </button>
        {changedTo !== undefined ? (
          <button
            type="button"
            className="button primary"
            // Busy is aria-disabled, not disabled: a disabled button drops the focus out of the
            // dialog, and Esc and Tab then no longer reach it.
            aria-disabled={busy}
            disabled={answer.state !== 'ready'}
            onClick={() =>
              void run(() => accept(props.peerId)).then((ok) => {
                if (ok) close(null);
              })
            }
          >
            {t('trust.accept')}
          </button>
        ) : (
          <button
            type="button"
            className={verified ? 'button' : 'button primary'}
            aria-disabled={busy}
            disabled={answer.state !== 'ready'}
            onClick={() => void run(() => verify(props.peerId, !verified))}
          >
            {verified ? t('trust.clearVerified') : t('trust.markVerified')}
          </button>
        )}
      </footer>
    </Dialog>
  );
}

/** The verify dialog of the contact `verifying` names, if any. */
export function VerifyDialog() {
  const peerId = useAppStore((s) => s.verifying);
  if (peerId === null) return null;
  return <VerifyBody key={peerId} peerId={peerId} />;
}
