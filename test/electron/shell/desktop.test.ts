import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import type { EventSink, SelfInfo } from '../../../shared/ipc/contract';
import { aboutDetail, appMenuTemplate, installAppMenu } from '../../../electron/shell/app-menu';
import { createDesktop, type DesktopOptions } from '../../../electron/shell/desktop';
import { createNotifier, notificationBody } from '../../../electron/shell/notifier';
import { createTray, trayMenuTemplate, trayTooltip } from '../../../electron/shell/tray';
import { app, Menu, Notification, resetFakeElectron, Tray } from '../../helpers/fake-electron';

vi.mock('electron', () => import('../../helpers/fake-electron'));

beforeEach(() => resetFakeElectron());

function message(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: 'm1',
    peerId: 'peer-1',
    direction: 'in',
    text: 'hello there',
    transport: 'udp',
    state: 'received',
    seq: 1,
    sentAt: 1,
    receivedAt: 2,
    remote: '192.168.1.7:4000',
    ...overrides,
  };
}

function notifierSetUp(focused: boolean) {
  const emit = vi.fn() as unknown as EventSink & ReturnType<typeof vi.fn>;
  const showWindow = vi.fn();
  const notifier = createNotifier({
    isWindowFocused: () => focused,
    showWindow,
    emit,
    nameOf: (id) => (id === 'peer-1' ? 'Bob' : undefined),
  });
  return { notifier, emit, showWindow };
}

describe('notifications', () => {
  it('shows one for an incoming message while the window is not focused', () => {
    const { notifier } = notifierSetUp(false);
    notifier.onMessage(message());
    expect(Notification.instances).toHaveLength(1);
    expect(Notification.instances[0]?.options).toEqual({ title: 'Bob', body: 'hello there' });
    expect(Notification.instances[0]?.shown).toBe(true);
  });

  it('shows none while the window is focused, for my own messages, or when turned off', () => {
    const focused = notifierSetUp(true);
    focused.notifier.onMessage(message());
    const unfocused = notifierSetUp(false);
    unfocused.notifier.onMessage(message({ direction: 'out', state: 'delivered' }));
    unfocused.notifier.setEnabled(false);
    unfocused.notifier.onMessage(message());
    expect(Notification.instances).toHaveLength(0);
  });

  it('shows none where the OS has no notifications', () => {
    Notification.supported = false;
    notifierSetUp(false).notifier.onMessage(message());
    expect(Notification.instances).toHaveLength(0);
  });

  it('a click shows the window and opens that conversation', () => {
    const { notifier, emit, showWindow } = notifierSetUp(false);
    notifier.onMessage(message({ peerId: 'stranger:10.0.0.9:5555', remote: '10.0.0.9:5555' }));
    const shown = Notification.instances[0]!;
    expect(shown.options.title).toBe('10.0.0.9:5555 · not encrypted'); // a stranger has no nickname
    shown.emit('click');
    expect(showWindow).toHaveBeenCalledOnce();
    expect(emit).toHaveBeenCalledWith('open-conversation', { peerId: 'stranger:10.0.0.9:5555' });
  });

  it('keeps the body short and on one line', () => {
    expect(notificationBody('a\n\nb')).toBe('a b');
    const long = notificationBody('x'.repeat(500));
    expect(long).toHaveLength(140);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('tray and badge', () => {
  const actions = { show: vi.fn(), setStatus: vi.fn(), quit: vi.fn() };

  it('tooltip and title show the unread count', () => {
    expect(trayTooltip('PacketChat', 0)).toBe('PacketChat');
    expect(trayTooltip('PacketChat', 1)).toBe('PacketChat: 1 unread message');
    expect(trayTooltip('PacketChat', 7)).toBe('PacketChat: 7 unread messages');

    const indicator = createTray('data:image/png;base64,AA==', 'PacketChat', actions);
    const tray = Tray.instances[0]!;
    expect(tray.tooltip).toBe('PacketChat');
    indicator.setUnread(3);
    expect(tray.tooltip).toBe('PacketChat: 3 unread messages');
    expect(tray.title).toBe('3');
    indicator.setUnread(0);
    expect(tray.title).toBe('');
    indicator.destroy();
    expect(tray.destroyed).toBe(true);
  });

  it('menu: show, the three statuses as radio items, quit', () => {
    const template = trayMenuTemplate('away', 2, actions);
    expect(template.map((i) => i.label ?? i.type)).toEqual([
      'Show PacketChat (2 unread)',
      'separator',
      'Online',
      'Away',
      'Busy',
      'separator',
      'Quit PacketChat',
    ]);
    expect(template.filter((i) => i.checked).map((i) => i.label)).toEqual(['Away']);
    const click = (label: string) =>
      (template.find((i) => i.label === label)?.click as (() => void) | undefined)?.();
    click('Busy');
    expect(actions.setStatus).toHaveBeenCalledWith('busy');
    click('Quit PacketChat');
    expect(actions.quit).toHaveBeenCalledOnce();
  });
});

const SELF: SelfInfo = {
  nodeId: 'abc',
  fingerprint: 'abcd',
  nick: 'alice',
  status: 'online',
  statusText: '',
  host: 'laptop',
  address: '192.168.1.23',
  clientPort: 4001,
  serverPort: 8000,
  tcpPort: 4001,
  discoveryTargets: ['192.168.1.255:8000'],
  relays: [],
  interfaces: [
    {
      name: 'lo',
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      broadcast: '127.255.255.255',
      internal: true,
    },
    {
      name: 'eth0',
      address: '192.168.1.23',
      netmask: '255.255.255.0',
      broadcast: '192.168.1.255',
      internal: false,
    },
  ],
  profile: 'default',
  appVersion: '0.1.0',
  protocolVersion: 2,
};

describe('desktop integration', () => {
  function setUp(focused = false) {
    const options: DesktopOptions = {
      productName: 'PacketChat',
      trayIconDataUrl: 'data:image/png;base64,AA==',
      isWindowFocused: () => focused,
      showWindow: vi.fn(),
      getWindow: () => undefined,
      emit: vi.fn(),
      setStatus: vi.fn(),
      quit: vi.fn(),
      log: vi.fn(),
    };
    return { desktop: createDesktop(options), options };
  }

  it('follows unread and status events, and names notifications after the contact', () => {
    const { desktop } = setUp();
    const tray = Tray.instances[0]!;
    desktop.observe('unread', { total: 5 });
    expect(tray.tooltip).toBe('PacketChat: 5 unread messages');
    expect(app.badgeCount).toBe(5);
    desktop.observe('self', { ...SELF, status: 'busy' });
    const menu = tray.menu as { items: { label?: string; checked?: boolean }[] };
    expect(menu.items.find((i) => i.checked)?.label).toBe('Busy');
    desktop.observe('contact', {
      change: 'added',
      kind: 'peer',
      peer: {
        id: 'peer-1',
        kind: 'peer',
        trust: 'encrypted',
        nick: 'Carol',
        host: 'h',
        address: '10.0.0.3',
        port: 4000,
        path: { kind: 'lan', address: '10.0.0.3', port: 4000 },
        tcpPort: null,
        status: 'online',
        online: true,
        firstSeen: 0,
        lastSeen: 0,
      },
    });
    desktop.observe('message', message());
    expect(Notification.instances[0]?.options.title).toBe('Carol');
    desktop.destroy();
    expect(tray.destroyed).toBe(true);
    expect(app.badgeCount).toBe(0);
  });

  it('a muted conversation does not notify, except a message that @mentions me', () => {
    const { desktop } = setUp();
    const me = 'c'.repeat(32);
    const groupId = 'd'.repeat(32);
    desktop.observe('self', { ...SELF, nodeId: me });
    desktop.observe('group', {
      change: 'joined',
      op: 'create',
      by: 'a'.repeat(32),
      group: {
        id: groupId,
        name: 'Team',
        creator: 'a'.repeat(32),
        admins: [],
        members: [],
        version: 1,
        status: 'member',
        updatedAt: 1,
      },
    });
    const inGroup = (text: string, mentions?: string[]) =>
      message({
        id: text,
        text,
        peerId: `group:${groupId}`,
        group: {
          groupId,
          sender: 'a'.repeat(32),
          gap: false,
          ...(mentions === undefined ? {} : { mentions }),
        },
      });
    desktop.observe('message', inGroup('before muting'));
    desktop.observe('mute', { peerId: `group:${groupId}`, muted: true });
    desktop.observe('message', inGroup('muted'));
    desktop.observe('message', inGroup('someone else', ['e'.repeat(32)]));
    desktop.observe('message', inGroup('for me', ['e'.repeat(32), me]));
    desktop.observe('mute', { peerId: `group:${groupId}`, muted: false });
    desktop.observe('message', inGroup('unmuted'));
    expect(Notification.instances.map((n) => [n.options.title, n.options.body])).toEqual([
      ['Team', 'before muting'],
      ['Team', 'for me'],
      ['Team', 'unmuted'],
    ]);
    desktop.destroy();
  });

  it('names a notification with the short fingerprint when the name looks like another', () => {
    const { desktop } = setUp();
    const peer = (id: string, nick: string) => ({
      id,
      kind: 'peer' as const,
      trust: 'encrypted' as const,
      nick,
      host: 'h',
      address: '10.0.0.3',
      port: 4000,
      path: { kind: 'lan' as const, address: '10.0.0.3', port: 4000 },
      tcpPort: null,
      status: 'online' as const,
      online: true,
      firstSeen: 0,
      lastSeen: 0,
    });
    desktop.know([peer('aaaaaaaa', 'Carol')]);
    desktop.observe('contact', { change: 'added', kind: 'peer', peer: peer('bbbbbbbb', 'CAR0L') });
    desktop.observe('message', message({ peerId: 'aaaaaaaa' }));
    desktop.observe('message', message({ peerId: 'bbbbbbbb' }));
    expect(Notification.instances.map((n) => n.options.title)).toEqual([
      'Carol · aaaaaa',
      'CAR0L · bbbbbb',
    ]);
    desktop.destroy();
  });

  it('works without a tray where the desktop has no status area', () => {
    const NoTray = vi.spyOn(Tray.prototype, 'setToolTip').mockImplementation(() => {
      throw new Error('no status area');
    });
    const { desktop, options } = setUp();
    NoTray.mockRestore();
    expect(options.log).toHaveBeenCalledWith('PacketChat: no tray icon', expect.any(Error));
    desktop.setUnread(2);
    expect(app.badgeCount).toBe(2);
    expect(() => desktop.destroy()).not.toThrow();
  });
});

describe('app menu', () => {
  const actions = { about: vi.fn(), quit: vi.fn() };

  it('has About and Quit on every platform, DevTools only in development', () => {
    for (const isMac of [true, false]) {
      const labels = JSON.stringify(appMenuTemplate('PacketChat', isMac, false, actions));
      expect(labels).toContain('About PacketChat');
      expect(labels).toMatch(/"Quit( PacketChat)?"/);
      expect(labels).not.toContain('toggleDevTools');
      expect(JSON.stringify(appMenuTemplate('PacketChat', isMac, true, actions))).toContain(
        'toggleDevTools',
      );
    }
  });

  it('installs the menu', () => {
    installAppMenu(appMenuTemplate('PacketChat', false, false, actions));
    expect(Menu.applicationMenu).toBeDefined();
  });

  it('About shows version, protocol version and my addresses', () => {
    const text = aboutDetail({ productName: 'PacketChat', appVersion: '0.1.0', self: SELF });
    expect(text).toContain('PacketChat 0.1.0');
    expect(text).toContain('Protocol version 2');
    expect(text).toContain('My address: 192.168.1.23:4001');
    expect(text).toContain('eth0  192.168.1.23/255.255.255.0');
    expect(text).not.toContain('127.0.0.1');
    const offline = aboutDetail({
      productName: 'PacketChat',
      appVersion: '0.1.0',
      self: undefined,
    });
    expect(offline).toContain('Protocol version 2');
    expect(offline).toContain('not running');
  });
});
