// The application menu: About (version, protocol version, my addresses) and Quit, plus the
// standard Edit menu so copy and paste work on macOS.
import { dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { PROTOCOL_VERSION } from '../../shared/protocol/constants';
import type { SelfInfo } from '../../shared/ipc/contract';

export interface AboutInfo {
  readonly productName: string;
  readonly appVersion: string;
  /** Undefined when the node is not running (it failed to start). */
  readonly self: SelfInfo | undefined;
}

/** The About box text: what a user reads out to a friend who wants to add them by IP. */
export function aboutDetail({ productName, appVersion, self }: AboutInfo): string {
  const lines = [
    `${productName} ${appVersion}`,
    `Protocol version ${self?.protocolVersion ?? PROTOCOL_VERSION}`,
  ];
  if (self === undefined) {
    lines.push('The network node is not running.');
    return lines.join('\n');
  }
  lines.push(
    `Nickname: ${self.nick} (profile ${self.profile})`,
    `My address: ${self.address}:${self.clientPort}`,
    `Server port (discovery): ${self.serverPort}`,
    `TCP fallback: ${self.tcpPort === null ? 'off' : String(self.tcpPort)}`,
  );
  const lan = self.interfaces.filter((i) => !i.internal);
  if (lan.length > 0) {
    lines.push('Interfaces:', ...lan.map((i) => `  ${i.name}  ${i.address}/${i.netmask}`));
  }
  return lines.join('\n');
}

export interface MenuActions {
  about(): void;
  quit(): void;
}

export function appMenuTemplate(
  productName: string,
  isMac: boolean,
  devTools: boolean,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const about: MenuItemConstructorOptions = {
    label: `About ${productName}`,
    click: () => actions.about(),
  };
  const quit: MenuItemConstructorOptions = {
    label: isMac ? `Quit ${productName}` : 'Quit',
    accelerator: 'CmdOrCtrl+Q',
    click: () => actions.quit(),
  };
  const view: MenuItemConstructorOptions[] = devTools
    ? [{ label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }] }]
    : [];
  if (isMac) {
    return [
      {
        label: productName,
        submenu: [
          about,
          { type: 'separator' },
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          quit,
        ],
      },
      { role: 'editMenu' },
      ...view,
      { role: 'windowMenu' },
    ];
  }
  return [
    { label: 'File', submenu: [quit] },
    { role: 'editMenu' },
    ...view,
    { label: 'Help', submenu: [about] },
  ];
}

export function installAppMenu(template: MenuItemConstructorOptions[]): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

export interface AboutBoxOptions {
  readonly productName: string;
  readonly appVersion: string;
  /** This node's addresses; rejects when the node is not running. */
  readonly loadSelf: () => Promise<SelfInfo>;
  /** The window the box belongs to, when there is one. */
  readonly parent: BrowserWindow | undefined;
}

export async function showAboutBox(options: AboutBoxOptions): Promise<void> {
  let self: SelfInfo | undefined;
  try {
    self = await options.loadSelf();
  } catch {
    self = undefined; // the box then says that the node is not running
  }
  const { productName, appVersion, parent } = options;
  const box = {
    type: 'info' as const,
    title: `About ${productName}`,
    message: productName,
    detail: aboutDetail({ productName, appVersion, self }),
  };
  await (parent === undefined ? dialog.showMessageBox(box) : dialog.showMessageBox(parent, box));
}
