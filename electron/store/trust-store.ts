import type { SqlDatabase } from './sql-database';

/** What the store knows about trusting one peer (docs/PROTOCOL.md, "Trust"). */
export interface PeerTrust {
  readonly id: string;
  readonly nick: string;
  readonly host: string;
  readonly lastSeen: number;
  /** The pinned X25519 public key, hex; undefined for a contact from protocol v1. */
  readonly publicKey: string | undefined;
  readonly verified: boolean;
  /** A key change waiting for the user: the node id this contact now uses. */
  readonly keyChangedTo: string | undefined;
  /** This id was merged into that contact. */
  readonly aliasOf: string | undefined;
}

/** The trust columns of a `peers` row. */
export interface TrustRow {
  id: string;
  nick: string;
  host: string;
  last_seen: number;
  public_key: string | null;
  verified: number;
  key_changed_to: string | null;
  alias_of: string | null;
}

export const toTrust = (row: TrustRow): PeerTrust => ({
  id: row.id,
  nick: row.nick,
  host: row.host,
  lastSeen: row.last_seen,
  publicKey: row.public_key ?? undefined,
  verified: row.verified === 1,
  keyChangedTo: row.key_changed_to ?? undefined,
  aliasOf: row.alias_of ?? undefined,
});

const COLUMNS = 'id, nick, host, last_seen, public_key, verified, key_changed_to, alias_of';

/** Pinned keys, verification, key changes and merged contacts: the trust part of `peers`. */
export class TrustStore {
  constructor(private readonly sql: SqlDatabase) {}

  get(id: string): PeerTrust | undefined {
    const row = this.sql.get<TrustRow>(`SELECT ${COLUMNS} FROM peers WHERE id = ?`, id);
    return row === undefined ? undefined : toTrust(row);
  }

  /** Contacts with a pinned key and this nickname and host (a key change candidate). */
  findPinned(nick: string, host: string): PeerTrust[] {
    return this.sql
      .all<TrustRow>(
        `SELECT ${COLUMNS} FROM peers WHERE nick = ? AND host = ? AND public_key IS NOT NULL
         AND alias_of IS NULL`,
        nick,
        host,
      )
      .map(toTrust);
  }

  /** Pins a key on first use; a pinned key is never replaced (a new key is a new node id). */
  pin(id: string, publicKey: string): void {
    this.sql.run(
      'UPDATE peers SET public_key = ? WHERE id = ? AND public_key IS NULL',
      publicKey,
      id,
    );
  }

  setVerified(id: string, verified: boolean): void {
    this.sql.run('UPDATE peers SET verified = ? WHERE id = ?', verified ? 1 : 0, id);
  }

  markKeyChanged(id: string, to: string): void {
    this.sql.run('UPDATE peers SET key_changed_to = ? WHERE id = ?', to, id);
  }

  clearKeyChange(id: string): void {
    this.sql.run('UPDATE peers SET key_changed_to = NULL WHERE id = ?', id);
  }

  /**
   * `from`'s conversation becomes `into`'s (an accepted key change, or a v1 contact that now
   * speaks v2): messages, unread state and streams move over, and `from` stays as an alias.
   */
  merge(from: string, into: string): void {
    this.sql.transaction(() => {
      this.sql.run('UPDATE messages SET peer_id = ? WHERE peer_id = ?', into, from);
      this.sql.run(
        `INSERT INTO read_state (peer_id, last_read)
         SELECT ?, last_read FROM read_state WHERE peer_id = ?
         ON CONFLICT (peer_id) DO UPDATE SET last_read = MAX(last_read, excluded.last_read)`,
        into,
        from,
      );
      this.sql.run('DELETE FROM read_state WHERE peer_id = ?', from);
      this.sql.run('DELETE FROM inbound_streams WHERE peer_id = ?', from);
      this.sql.run('DELETE FROM outbound_streams WHERE peer_id = ?', from);
      this.sql.run('UPDATE peers SET alias_of = ?, key_changed_to = NULL WHERE id = ?', into, from);
    });
  }
}
