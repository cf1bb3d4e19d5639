import { splitLinks } from '../lib/links';
import { useApi } from '../store/context';
import { useText } from '../i18n/text';

/** Message text with http(s) links that open in the system browser, never in the app window. */
export function MessageText(props: { text: string }) {
  const { t } = useText();
  const api = useApi();
  return (
    <div className="message-text" translate="no">
      {splitLinks(props.text).map((part, i) =>
        part.kind === 'text' ? (
          <span key={i}>{part.text}</span>
        ) : (
          <a
            key={i}
            href={part.url}
            title={t('message.openLink', { url: part.url })}
            rel="noreferrer noopener"
            onClick={(e) => {
              e.preventDefault();
              void api.appOpenExternal({ url: part.url });
            }}
          >
            {part.text}
          </a>
        ),
      )}
    </div>
  );
}
