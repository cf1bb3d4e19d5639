// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from './render-app';

const ROLES = [
  'button',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'option',
  'switch',
  'radio',
  'radiogroup',
  'tab',
  'log',
  'dialog',
  'navigation',
  'region',
] as const;

/** Every control and landmark on screen has an accessible name. */
function expectEveryControlNamed(): void {
  for (const role of ROLES) {
    const unnamed = screen
      .queryAllByRole(role, { name: '' })
      .map((el) => el.outerHTML.slice(0, 120));
    expect(unnamed, role).toEqual([]);
  }
}

describe('accessibility', () => {
  it('names every control in the main window, the inspector and settings', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole('option', { name: /^Alice/ }));
    await screen.findByRole('log', { name: 'Conversation with Alice' });
    expectEveryControlNamed();
    await user.click(screen.getByRole('button', { name: 'Packet inspector' }));
    await screen.findByRole('main', { name: 'Packet inspector' });
    expectEveryControlNamed();
    await user.click(screen.getByRole('tab', { name: 'Sockets and interfaces' }));
    await screen.findByRole('region', { name: 'Counters' });
    expectEveryControlNamed();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await screen.findByRole('dialog', { name: 'Settings' });
    expectEveryControlNamed();
  });

  it('keeps Tab inside the settings dialog and gives focus back when it closes', async () => {
    const { user } = renderApp();
    await screen.findByRole('option', { name: /^Alice/ });
    const opener = screen.getByRole('button', { name: 'Settings' });
    await user.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    expect(document.activeElement).toBe(dialog);
    const save = within(dialog).getByRole('button', { name: 'Save' });
    save.focus();
    await user.tab();
    expect(document.activeElement).toBe(
      within(dialog).getByRole('button', { name: 'Close settings' }),
    );
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(save);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('moves through the packet log with the arrow keys', async () => {
    const { user } = renderApp();
    await screen.findByRole('option', { name: /^Alice/ });
    await user.click(screen.getByRole('button', { name: 'Packet inspector' }));
    const table = screen.getByRole('table', { name: 'Packets' });
    within(table)
      .getByRole('rowgroup', { name: /^Packet log/ })
      .focus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('heading', { name: 'Packet #1' })).toBeTruthy();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('heading', { name: 'Packet #2' })).toBeTruthy();
    await user.keyboard('{ArrowUp}');
    expect(screen.getByRole('heading', { name: 'Packet #1' })).toBeTruthy();
  });
});
