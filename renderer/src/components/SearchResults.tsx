import { useTranslation } from 'react-i18next';
import type { SearchHit } from '../../../shared/domain';
import { isStrangerId } from '../../../shared/stranger-id';
import { formatListTime } from '../lib/format';
import { rowAddress } from '../lib/path';
import { useAppStore } from '../store/context';
import { matchContacts } from '../store/selectors';
import { Avatar } from './Avatar';
import { PeerName } from './PeerName';
import { useNow } from './use-now';

const MAX_CONTACTS_SHOWN = 30;

/** `[word]` in a snippet marks the match (see SearchHit). */
function Snippet(props: { text: string }) {
  const parts = props.text.split(/(\[[^\]]*\])/);
  return (
    <>
      {parts.map((part, i) =>
        part.startsWith('[') && part.endsWith(']') ? (
          <mark key={i}>{part.slice(1, -1)}</mark>
        ) : (
          <span key={i}>{part}</span>
        ),
      )}
    </>
  );
}

function HitRow(props: { hit: SearchHit }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const contact = useAppStore((s) => s.contacts[props.hit.peerId]);
  const jump = useAppStore((s) => s.jumpToMessage);
  const nick = contact?.nick ?? props.hit.peerId;
  return (
    <li>
      <button type="button" className="result-row" onClick={() => void jump(props.hit)}>
        <Avatar
          id={props.hit.peerId}
          name={nick}
          size={34}
          stranger={isStrangerId(props.hit.peerId)}
        />
        <span className="result-text">
          <span className="result-title">
            <span className="nick">
              <PeerName id={props.hit.peerId} nick={nick} />
            </span>
            <time className="list-time">{formatListTime(props.hit.at, now, i18n.language)}</time>
          </span>
          <span className="result-snippet" translate="no" aria-label={t('search.messages')}>
            <Snippet text={props.hit.snippet} />
          </span>
        </span>
      </button>
    </li>
  );
}

function ContactHit(props: { id: string }) {
  const { t } = useTranslation();
  const contact = useAppStore((s) => s.contacts[props.id]);
  const open = useAppStore((s) => s.openConversation);
  const setQuery = useAppStore((s) => s.setSearchQuery);
  if (!contact) return null;
  return (
    <li>
      <button
        type="button"
        className="result-row"
        onClick={() => {
          open(contact.id);
          setQuery('');
        }}
      >
        <Avatar
          id={contact.id}
          name={contact.nick}
          size={34}
          stranger={contact.kind === 'stranger'}
          {...(contact.kind === 'stranger'
            ? {}
            : { presence: contact.online ? contact.status : 'offline' })}
        />
        <span className="result-text">
          <span className="nick">
            <PeerName id={contact.id} nick={contact.nick} />
          </span>
          <code className="mono small" translate="no">
            {rowAddress(t, contact)}
          </code>
        </span>
      </button>
    </li>
  );
}

function DirectoryHit(props: { nodeId: string }) {
  const { t } = useTranslation();
  const entry = useAppStore((s) => s.directory[props.nodeId]);
  const add = useAppStore((s) => s.addFromDirectory);
  const adding = useAppStore((s) => s.directoryAdds[props.nodeId]);
  const known = useAppStore((s) => s.contacts[props.nodeId] !== undefined);
  if (!entry || known) return null;
  const presence =
    entry.online === null
      ? t('search.directoryUnknown')
      : entry.online
        ? t('search.directoryOnline')
        : t('search.directoryOffline');
  return (
    <li className="directory-row">
      <Avatar
        id={entry.nodeId}
        name={entry.nick}
        size={34}
        {...(entry.online === null ? {} : { presence: entry.online ? 'online' : 'offline' })}
      />
      <span className="result-text">
        <span className="result-title">
          <span className="nick" translate="no">
            {entry.nick}
          </span>
          <span className="small muted">{presence}</span>
        </span>
        <span className="mono small muted" translate="no">
          {t('search.directoryWhere', {
            fingerprint: entry.fingerprint.slice(0, 19),
            broker: entry.broker,
          })}
        </span>
        {adding === 'added' && (
          <span className="small" role="status">
            {t('search.directoryAdded', { nick: entry.nick })}
          </span>
        )}
        {typeof adding === 'object' && (
          <span className="small field-error" role="alert">
            {t('search.directoryAddFailed', { message: adding.failed })}
          </span>
        )}
      </span>
      <button
        type="button"
        className="button"
        aria-label={t('search.directoryAddLabel', { nick: entry.nick })}
        disabled={adding === 'adding' || adding === 'added'}
        onClick={() => void add(entry.nodeId)}
      >
        {adding === 'adding' ? t('search.directoryAdding') : t('search.directoryAdd')}
      </button>
    </li>
  );
}

/** People the relay directories list who are no contacts yet (only with a relay). */
function DirectoryResults() {
  const { t } = useTranslation();
  const relayed = useAppStore((s) => (s.self?.relays.length ?? 0) > 0);
  const hits = useAppStore((s) => s.directoryHits);
  const status = useAppStore((s) => s.directoryStatus);
  const strangers = useAppStore((s) => s.directoryHits.filter((id) => !(id in s.contacts)).length);
  if (!relayed) return null;
  return (
    <>
      <h3 className="group-title">{t('search.directory')}</h3>
      {status === 'loading' && hits.length === 0 && (
        <p className="muted pad" role="status">
          {t('search.directorySearching')}
        </p>
      )}
      {status === 'error' && (
        <p className="error pad" role="alert">
          {t('search.directoryError')}
        </p>
      )}
      {status === 'ready' && strangers === 0 && (
        <p className="muted pad">{t('search.directoryNone')}</p>
      )}
      <ul className="plain-list">
        {hits.map((id) => (
          <DirectoryHit key={id} nodeId={id} />
        ))}
      </ul>
    </>
  );
}

export function SearchResults() {
  const { t } = useTranslation();
  const query = useAppStore((s) => s.searchQuery);
  const contactIds = useAppStore((s) => matchContacts(s.contacts, s.searchQuery));
  const hits = useAppStore((s) => s.searchHits);
  const status = useAppStore((s) => s.searchStatus);
  const shown = contactIds.slice(0, MAX_CONTACTS_SHOWN);
  return (
    <div
      className="search-results"
      role="region"
      aria-label={t('search.results')}
      data-query={query}
    >
      <h3 className="group-title">{t('search.contacts')}</h3>
      {shown.length === 0 ? (
        <p className="muted pad">{t('search.noContacts')}</p>
      ) : (
        <ul className="plain-list">
          {shown.map((id) => (
            <ContactHit key={id} id={id} />
          ))}
        </ul>
      )}
      {contactIds.length > shown.length && (
        <p className="muted pad">{t('search.more', { n: contactIds.length - shown.length })}</p>
      )}
      <h3 className="group-title">{t('search.messages')}</h3>
      {status === 'loading' && hits.length === 0 && (
        <p className="muted pad" role="status">
          {t('search.searching')}
        </p>
      )}
      {status === 'error' && (
        <p className="error pad" role="alert">
          {t('search.error')}
        </p>
      )}
      {status === 'ready' && hits.length === 0 && (
        <p className="muted pad">{t('search.noMessages')}</p>
      )}
      <ul className="plain-list">
        {hits.map((hit) => (
          <HitRow key={hit.messageId} hit={hit} />
        ))}
      </ul>
      <DirectoryResults />
    </div>
  );
}
