import { Fragment, type ReactNode } from 'react';
import { useText } from '../i18n/text';
import { useAppStore } from '../store/context';
import { selectNameTag } from '../store/selectors';

/**
 * A name that came from another machine (a nick, a host name, a status text), isolated from the
 * text around it (<bdi>): a right-to-left name cannot reorder its neighbours, such as the
 * IP addresses in "moved from … to …" (docs/PROTOCOL.md, names).
 */
export function Bdi(props: { children: string; className?: string }) {
  return (
    <bdi className={props.className} translate="no">
      {props.children}
    </bdi>
  );
}

/** The short fingerprint beside a name that looks like another contact's or like mine. */
export function NameTag(props: { tag: string | undefined }) {
  const { t } = useText();
  if (props.tag === undefined) return null;
  return (
    <span className="name-tag mono" title={t('trust.tagTitle')} translate="no">
      {props.tag}
    </span>
  );
}

/** A contact's nickname, isolated, with its short fingerprint when it looks like another name. */
export function PeerName(props: { id: string | undefined; nick: string; className?: string }) {
  const tag = useAppStore(selectNameTag(props.id));
  return (
    <>
      <Bdi className={props.className ?? 'peer-name'}>{props.nick}</Bdi>
      {tag !== undefined && (
        <>
          {' '}
          <NameTag tag={tag} />
        </>
      )}
    </>
  );
}

/**
 * The contact's nickname with its tag, as plain text for accessible names: "Alice 3f9a01", as it
 * reads on screen (a name that differs from the visible words fails WCAG 2.5.3).
 */
export function useTaggedName(id: string | undefined, nick: string): string {
  const tag = useAppStore(selectNameTag(id));
  return tag === undefined ? nick : `${nick} ${tag}`;
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
const TOKEN = new RegExp(`${OPEN}(\\d+)${CLOSE}`);

/** A value for `Isolated`: text from another machine, or a contact (its name and tag). */
export type IsolatedName = string | { readonly id: string; readonly nick: string };

/**
 * A translated sentence with names in it, each isolated in its own <bdi> (a contact's with its
 * short fingerprint when it looks like another). `text` renders the sentence with the values it
 * is given; the names go in as placeholder tokens (private-use characters no translation
 * contains) and come out as elements.
 */
export function Isolated<K extends string>(props: {
  text: (values: Record<K, string>) => string;
  names: Readonly<Record<K, IsolatedName>>;
}): ReactNode {
  const keys = Object.keys(props.names) as K[];
  const tokens = Object.fromEntries(keys.map((key, i) => [key, `${OPEN}${i}${CLOSE}`])) as Record<
    K,
    string
  >;
  const parts = props.text(tokens).split(TOKEN);
  return (
    <>
      {parts.map((part, i) => {
        if (i % 2 === 0) return <Fragment key={i}>{part}</Fragment>;
        const key = keys[Number(part)];
        const name: IsolatedName = key === undefined ? '' : props.names[key];
        return typeof name === 'string' ? (
          <Bdi key={i}>{name}</Bdi>
        ) : (
          <PeerName key={i} id={name.id} nick={name.nick} />
        );
      })}
    </>
  );
}
