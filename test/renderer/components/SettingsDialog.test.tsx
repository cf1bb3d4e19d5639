// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { IpcFailure } from '../../../shared/ipc/contract';
import { sampleData } from '../fake-backend';
import { NOW, renderApp, setSystemDark } from '../render-app';

async function openSettings(options: Parameters<typeof renderApp>[0] = {}) {
  const app = renderApp(options);
  await screen.findByRole('option', { name: /^Alice/ });
  await app.user.click(screen.getByRole('button', { name: 'Settings' }));
  const dialog = await screen.findByRole('dialog', { name: 'Settings' });
  const saves = () => app.fake.calls.filter((c) => c.channel === 'settings:set');
  return { ...app, dialog, saves };
}

const field = (dialog: HTMLElement, name: string) => within(dialog).getByLabelText(name);

describe('settings', () => {
  it('has every setting, and says ports apply on restart', async () => {
    const { dialog } = await openSettings();
    for (const label of [
      'Nickname',
      'Server port (UDP)',
      'Client port (UDP + TCP)',
      'Extra discovery targets',
      'Language',
    ]) {
      expect(field(dialog, label)).toBeTruthy();
    }
    expect(within(dialog).getByRole('radiogroup', { name: 'Status' })).toBeTruthy();
    expect(within(dialog).getByRole('radiogroup', { name: 'Theme' })).toBeTruthy();
    expect(within(dialog).getByRole('switch', { name: 'TCP fallback' })).toBeTruthy();
    expect(within(dialog).getByRole('switch', { name: 'Notifications' })).toBeTruthy();
    // The ports in use, next to the stored ones they may differ from (4000 taken: 4001).
    expect(within(dialog).getByRole('note').textContent).toBe(
      'Port changes take effect after PacketChat restarts. In use now: UDP 8000 (server), UDP 4000 (client), TCP 4000.',
    );
  });

  it('explains invalid input inline and never saves it', async () => {
    const { dialog, saves, user } = await openSettings();
    await user.clear(field(dialog, 'Nickname'));
    expect(within(dialog).getByText('Required')).toBeTruthy();
    await user.clear(field(dialog, 'Server port (UDP)'));
    await user.type(field(dialog, 'Server port (UDP)'), '70000');
    expect(within(dialog).getByText('A whole number from 1 to 65535')).toBeTruthy();
    expect(field(dialog, 'Server port (UDP)').getAttribute('aria-invalid')).toBe('true');
    await user.type(field(dialog, 'Extra discovery targets'), '10.0.0.255{Enter}not-an-ip');
    expect(
      within(dialog).getByText('Line 2: “not-an-ip” is not an IPv4 address or IP:port'),
    ).toBeTruthy();
    await user.type(field(dialog, 'Nickname'), 'x'.repeat(40));
    expect(within(dialog).getByText('At most 32 characters')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Fix the marked fields: nothing was saved.')).toBeTruthy();
    expect(saves()).toEqual([]);
  });

  it('saves only the changed fields and shows what main answered', async () => {
    const { data, dialog, saves, user } = await openSettings();
    await user.clear(field(dialog, 'Nickname'));
    await user.type(field(dialog, 'Nickname'), '新名字');
    await user.clear(field(dialog, 'Client port (UDP + TCP)'));
    await user.type(field(dialog, 'Client port (UDP + TCP)'), '4100');
    await user.type(field(dialog, 'Extra discovery targets'), ' 10.0.0.7:4000 ');
    await user.click(within(dialog).getByRole('radio', { name: 'Busy' }));
    await user.click(within(dialog).getByRole('switch', { name: 'TCP fallback' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await within(dialog).findByText('Saved');
    expect(saves()).toEqual([
      {
        channel: 'settings:set',
        args: {
          nick: '新名字',
          status: 'busy',
          clientPort: 4100,
          tcpFallback: false,
          discoveryTargets: ['10.0.0.7:4000'],
        },
      },
    ]);
    expect(data.settings.clientPort).toBe(4100);
  });

  it('switches IP Messenger off and back, sets its encoding and group name; refuses a control character', async () => {
    const { dialog, saves, user } = await openSettings();
    const group = field(dialog, 'Group name shown to them');
    await user.type(group, '研发部');
    await user.selectOptions(field(dialog, 'Text encoding'), 'GB18030 (FeiQ, Chinese Windows)');
    await user.click(within(dialog).getByRole('switch', { name: 'Talk to IP Messenger users' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await within(dialog).findByText('Saved');
    // The sample profile has it on: off is the change.
    expect(saves().at(-1)?.args).toEqual({
      ipmsg: false,
      ipmsgEncoding: 'gb18030',
      ipmsgGroup: '研发部',
    });
    await user.type(group, '\u0007');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Fix the marked fields: nothing was saved.')).toBeTruthy();
    expect(group.getAttribute('aria-invalid')).toBe('true');
    expect(saves()).toHaveLength(1);
  });

  it('shows main’s refusal next to the field it names', async () => {
    const { dialog, user } = await openSettings({
      handlers: {
        'settings:set': () => {
          throw new IpcFailure('invalid-argument', 'port 4100 is reserved', 'clientPort');
        },
      },
    });
    await user.clear(field(dialog, 'Client port (UDP + TCP)'));
    await user.type(field(dialog, 'Client port (UDP + TCP)'), '4100');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('port 4100 is reserved')).toBeTruthy();
    expect(within(dialog).getByText('Could not save: port 4100 is reserved')).toBeTruthy();
  });

  it('switches language and theme when saved, and Esc closes the dialog', async () => {
    const { dialog, user } = await openSettings();
    await user.click(within(dialog).getByRole('radio', { name: 'Dark' }));
    await user.selectOptions(field(dialog, 'Language'), 'zh-CN');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(document.documentElement.dataset['theme']).toBe('dark'));
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(await screen.findByRole('dialog', { name: '设置' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('listbox', { name: '联系人' })).toBeTruthy();
    // Rows read their labels from the window's one `t`, which keeps what each key gave: the new
    // language's, not the first's.
    expect(screen.getByRole('option', { name: /^Bob/ }).getAttribute('aria-label')).toBe(
      'Bob 192.168.1.33:4000 还没有消息, 离线, 已加密',
    );
  });

  it('follows the OS theme and language when set to system', async () => {
    const data = sampleData(NOW);
    data.settings = { ...data.settings, theme: 'system', language: 'system' };
    setSystemDark(true);
    renderApp({ data });
    await waitFor(() => expect(document.documentElement.dataset['theme']).toBe('dark'));
    setSystemDark(false);
    await waitFor(() => expect(document.documentElement.dataset['theme']).toBe('light'));
    // jsdom's navigator.language is en-US.
    expect(document.documentElement.lang).toBe('en');
  });
});
