/** Something the user should be told once, with a code scripts can match. */
export interface Notice {
  readonly code: string;
  readonly message: string;
}
