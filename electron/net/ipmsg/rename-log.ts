// The names inside a received folder that were saved under another name (safe-path.ts), kept for
// the user to see as PacketChat transfers show theirs (a PathIssue each). A hostile folder can
// hold 100,000 of them, so the log keeps the first MAX_RENAMED_INSIDE (and at most
// MAX_RENAMED_INSIDE_CHARS of paths) and only counts the rest.
import { MAX_RENAMED_INSIDE, MAX_RENAMED_INSIDE_CHARS } from '../../../shared/files/limits';
import type { PathIssue, RenamedInside } from '../../../shared/files/types';

export class RenameLog {
  private readonly names: PathIssue[] = [];
  private chars = 0;
  private more = 0;

  /** How many were renamed, listed or not. */
  get count(): number {
    return this.names.length + this.more;
  }

  add(issue: PathIssue): void {
    const chars = issue.path.length + (issue.renamedTo?.length ?? 0);
    if (
      this.more > 0 ||
      this.names.length >= MAX_RENAMED_INSIDE ||
      this.chars + chars > MAX_RENAMED_INSIDE_CHARS
    ) {
      this.more += 1; // once one is only counted, so are the rest: the list stays the first ones
      return;
    }
    this.names.push(issue);
    this.chars += chars;
  }

  /** What was logged so far, or undefined when nothing was renamed. */
  snapshot(): RenamedInside | undefined {
    return this.count === 0 ? undefined : { names: [...this.names], more: this.more };
  }
}
