// The views whose code loads on first use, each in its own chunk (Vite splits at every import()):
// the first screen needs the shell, the contact list and the conversation pane, not these.
// docs/UI.md, "Loading"; the states they show meanwhile are in lazy-view.tsx.
import { lazyView } from './lazy-view';

export const LazySettingsDialog = lazyView(
  () => import('./SettingsDialog').then((m) => m.SettingsDialog),
  'dialog',
);
export const LazyTransfersView = lazyView(
  () => import('./TransfersView').then((m) => m.TransfersView),
  'dialog',
);
export const LazyInspector = lazyView(() => import('./Inspector').then((m) => m.Inspector), 'pane');
export const LazyForwardDialog = lazyView(
  () => import('./ForwardDialog').then((m) => m.ForwardDialog),
  'dialog',
);
export const LazyGroupDialogs = lazyView(
  () => import('./GroupDialogs').then((m) => m.GroupDialogs),
  'dialog',
);
export const LazyVerifyDialog = lazyView(
  () => import('./VerifyDialog').then((m) => m.VerifyDialog),
  'dialog',
);
export const LazyFirstRunDialog = lazyView(
  () => import('./FirstRunDialog').then((m) => m.FirstRunDialog),
  'dialog',
);
export const LazySearchResults = lazyView(
  () => import('./SearchResults').then((m) => m.SearchResults),
  'pane',
);
export const LazyAddContact = lazyView(
  () => import('./AddContact').then((m) => m.AddContact),
  'inline',
);
export const LazyEmojiPicker = lazyView(
  () => import('./EmojiPicker').then((m) => m.EmojiPicker),
  'inline',
);
