/**
 * What one conversation adds to the unread total of the title, the rail, the tray and the taskbar
 * badge: its unread messages, or, when it is muted, only those that @mention me (QQ, Telegram).
 */
export function countedUnread(unread: number, mentions: number, muted: boolean): number {
  return muted ? Math.min(unread, mentions) : unread;
}
