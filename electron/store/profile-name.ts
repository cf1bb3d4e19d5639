/** Profile names become directory names: keep them plain. The one rule every caller uses. */
const PROFILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export const PROFILE_NAME_RULE =
  '1-64 letters, digits, dots, dashes or underscores, not starting with a dot or dash';

export function isProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}
