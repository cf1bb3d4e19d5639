// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { create } from 'qrcode';
import { IpcFailure } from '../../../shared/ipc/contract';
import { qrRuns } from '../../../renderer/src/components/QrCode';
import { makeContact, makePacket, sampleData } from '../fake-backend';
import { never, NOW, renderApp, wholeText } from '../render-app';

const DIGITS = '052140981234567890123450000011111222223333344444555556666677777';
const NUMBER = {
  digits: DIGITS.slice(0, 60),
  qr: `PACKETCHAT-SN:1:${'AB'.repeat(32)}:${'CD'.repeat(32)}`,
  fingerprint: 'b0b0 '.repeat(16).trim(),
  mine: 'aaaa '.repeat(16).trim(),
};

async function openAlice(options: Parameters<typeof renderApp>[0] = {}, name = /^Alice /) {
  const app = renderApp(options);
  await app.user.click(await screen.findByRole('option', { name }));
  await screen.findByRole('log', { name: 'Conversation with Alice' });
  return app;
}
const header = () => screen.getByRole('region', { name: /^About Alice/ });

describe('encryption state', () => {
  it('says Encrypted, Verified or Not encrypted in each contact row and in the header', async () => {
    const data = sampleData(NOW);
    data.contacts[1] = { ...data.contacts[1]!, trust: 'verified' };
    await openAlice({ data });
    expect(screen.getByRole('option', { name: /^Alice .*, Encrypted/ })).toBeTruthy();
    expect(screen.getByRole('option', { name: /^小明 .*, Verified/ })).toBeTruthy();
    expect(
      screen.getByRole('option', { name: /^192\.168\.1\.50:5555 .*, Not encrypted/ }),
    ).toBeTruthy();
    expect(within(header()).getByText('Encrypted')).toBeTruthy();
    expect(within(header()).getByRole('button', { name: 'Verify…' })).toBeTruthy();
  });

  it('marks a stranger’s messages Not encrypted and offers no verification', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole('option', { name: /^192\.168\.1\.50:5555/ }));
    const log = await screen.findByRole('log', { name: /^Conversation with 192\.168\.1\.50:5555/ });
    expect(within(log).getByTitle(/^Plain UDP text/).textContent).toBe('Not encrypted');
    const about = screen.getByRole('region', { name: /^About 192\.168\.1\.50:5555/ });
    expect(within(about).getByText('Not encrypted')).toBeTruthy();
    expect(within(about).queryByRole('button', { name: 'Verify…' })).toBeNull();
  });
});

describe('the verify dialog', () => {
  it('shows the safety number in 12 groups, its QR code and both fingerprints, and marks verified', async () => {
    const { user, fake } = await openAlice({
      handlers: { 'contacts:safetyNumber': () => NUMBER },
    });
    await user.click(within(header()).getByRole('button', { name: 'Verify…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Verify Alice' });
    const number = await within(dialog).findByRole('region', { name: 'Safety number' });
    const groups = [...number.querySelectorAll('.safety-group')].map((g) => g.textContent.trim());
    expect(groups).toHaveLength(12);
    expect(groups.join('')).toBe(NUMBER.digits);
    const qr = within(dialog).getByRole('img', { name: 'QR code of the safety number' });
    expect(Number(qr.getAttribute('data-modules'))).toBe(create(NUMBER.qr).modules.size);
    expect(within(dialog).getByText(NUMBER.fingerprint)).toBeTruthy();
    expect(within(dialog).getByText(NUMBER.mine)).toBeTruthy();
    expect(fake.calls).toContainEqual({
      channel: 'contacts:safetyNumber',
      args: { peerId: 'alice' },
    });

    await user.click(within(dialog).getByRole('button', { name: 'Mark as verified' }));
    await within(dialog).findByText(wholeText('You marked Alice as verified.'));
    expect(fake.calls).toContainEqual({
      channel: 'contacts:verify',
      args: { peerId: 'alice', verified: true },
    });
    expect(within(header()).getByText('Verified')).toBeTruthy();
    expect(screen.getByRole('option', { name: /^Alice .*, Verified/ })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Clear verification' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(within(header()).getByRole('button', { name: 'Safety number…' })).toBeTruthy();
  });

  it('says it is computing, and offers nothing to mark meanwhile', async () => {
    const { user } = await openAlice({ handlers: { 'contacts:safetyNumber': () => never() } });
    await user.click(screen.getByRole('button', { name: 'Verify…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Verify Alice' });
    expect(within(dialog).getByText('Computing the safety number…')).toBeTruthy();
    expect(
      within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Mark as verified' }).disabled,
    ).toBe(true);
  });

  it('shows main’s refusal', async () => {
    const { user } = await openAlice({
      handlers: {
        'contacts:safetyNumber': () => {
          throw new IpcFailure('not-found', 'no key known for alice');
        },
      },
    });
    await user.click(screen.getByRole('button', { name: 'Verify…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Verify Alice' });
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      'Could not get the safety number: no key known for alice',
    );
  });

  it('draws every dark module of the QR code, and only those', () => {
    const text = NUMBER.qr;
    const { modules } = create(text, { errorCorrectionLevel: 'M' });
    const { size, runs } = qrRuns(text);
    const drawn = new Set<number>();
    for (const run of runs)
      for (let x = run.x; x < run.x + run.width; x += 1) drawn.add(run.y * size + x);
    const dark = [...modules.data.keys()].filter((i) => modules.data[i] === 1);
    expect(size).toBe(modules.size);
    expect([...drawn].sort((a, b) => a - b)).toEqual(dark);
  });
});

describe('a key change', () => {
  // The old contact and the new key share the name, so both carry their short fingerprint.
  const OLD_ALICE = /^Alice alice /;
  function changed() {
    const data = sampleData(NOW);
    data.contacts.push(
      makeContact('alice2', { nick: 'Alice', address: '192.168.1.31', host: 'alice-pc' }),
    );
    return data;
  }

  it('warns in the list and the conversation, holds messages, and accepting moves on to the new key', async () => {
    const data = changed();
    const app = await openAlice(
      {
        data,
        handlers: { 'contacts:acceptKey': () => ({ peerId: 'alice2' }) },
      },
      OLD_ALICE,
    );
    const { fake, user } = app;
    act(() =>
      fake.emit('key-changed', {
        peer: 'alice',
        previous: 'aaaa',
        fingerprint: '3f9a 0100',
        to: 'alice2',
      }),
    );
    const banner = screen.getByRole('region', { name: /^Alice( alice)?’s key changed$/ });
    expect(banner.textContent).toContain('(fingerprint 3f9a 0100)');
    expect(screen.getByRole('option', { name: /^Alice alice [^,]*Key changed/ })).toBeTruthy();
    const log = screen.getByRole('log', { name: 'Conversation with Alice' });
    expect(
      within(log).getByText(
        wholeText(/^Alice( alice)?’s key changed: messages you send are held until you accept it$/),
      ),
    ).toBeTruthy();

    // Held, not "waits until Alice is back": the composer says what happens to a message now.
    expect(
      screen.getByText(
        wholeText(/^What you send is held until you accept Alice( alice)?’s new key\.$/),
      ),
    ).toBeTruthy();
    expect(screen.queryByText(/is offline/)).toBeNull();
    await user.type(screen.getByRole('textbox', { name: 'Message to Alice' }), 'really you?');
    await user.keyboard('{Enter}');
    const sent = await within(log).findByText('really you?');
    expect(fake.calls.filter((c) => c.channel === 'messages:send')).toHaveLength(1);
    const bubble = sent.closest('.message');
    expect(bubble).not.toBeNull();
    const message = data.messages.find((m) => m.text === 'really you?')!;
    act(() =>
      fake.emit('message-state', {
        id: message.id,
        peerId: 'alice',
        state: 'held',
        transport: 'udp',
        attempts: 0,
      }),
    );
    expect(
      within(bubble as HTMLElement).getByText(
        wholeText(/^Held until you accept Alice( alice)?’s new key$/),
      ),
    ).toBeTruthy();

    await user.click(within(banner).getByRole('button', { name: 'Accept new key' }));
    expect(fake.calls).toContainEqual({ channel: 'contacts:acceptKey', args: { peerId: 'alice' } });
    await waitFor(() =>
      expect(screen.queryByRole('region', { name: /^Alice( alice)?’s key changed$/ })).toBeNull(),
    );
    expect(screen.queryByRole('option', { name: /Key changed/ })).toBeNull();
    expect(await screen.findByText(wholeText('You accepted the new key of Alice'))).toBeTruthy();
    // The old contact is gone; its conversation goes on under the new id.
    expect(app.store.getState().contacts['alice']).toBeUndefined();
    expect(app.store.getState().activePeerId).toBe('alice2');
  });

  it('keeps the warning and says why when accepting fails', async () => {
    const { fake, user } = await openAlice(
      {
        data: changed(),
        handlers: {
          'contacts:acceptKey': () => {
            throw new IpcFailure('not-found', 'no key change for alice');
          },
        },
      },
      OLD_ALICE,
    );
    act(() =>
      fake.emit('key-changed', { peer: 'alice', previous: '', fingerprint: '3f9a', to: 'alice2' }),
    );
    const banner = screen.getByRole('region', { name: /^Alice( alice)?’s key changed$/ });
    await user.click(within(banner).getByRole('button', { name: 'Accept new key' }));
    expect((await within(banner).findByRole('alert')).textContent).toBe(
      'That did not work: no key change for alice',
    );
    expect(screen.getByRole('option', { name: /^Alice alice [^,]*Key changed/ })).toBeTruthy();
  });

  it('shows the new key’s safety number and accepts from the verify dialog', async () => {
    const { fake, user } = await openAlice(
      {
        data: changed(),
        handlers: {
          'contacts:safetyNumber': () => NUMBER,
          'contacts:acceptKey': () => ({ peerId: 'alice2' }),
        },
      },
      OLD_ALICE,
    );
    act(() =>
      fake.emit('key-changed', { peer: 'alice', previous: '', fingerprint: '3f9a', to: 'alice2' }),
    );
    const banner = screen.getByRole('region', { name: /^Alice( alice)?’s key changed$/ });
    await user.click(within(banner).getByRole('button', { name: 'Verify…' }));
    const dialog = await screen.findByRole('dialog', { name: /^Verify Alice( alice)?$/ });
    await within(dialog).findByRole('region', { name: 'Safety number' });
    expect(fake.calls).toContainEqual({
      channel: 'contacts:safetyNumber',
      args: { peerId: 'alice2' },
    });
    expect(within(dialog).queryByRole('button', { name: 'Mark as verified' })).toBeNull();
    expect(
      within(dialog).getByText(wholeText(/^New key claiming to be Alice( alice)?$/)),
    ).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Accept new key' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.calls).toContainEqual({ channel: 'contacts:acceptKey', args: { peerId: 'alice' } });
  });
});

describe('names from other machines', () => {
  it('isolates each name in its own <bdi>, so a right-to-left nick cannot reorder addresses', async () => {
    const data = sampleData(NOW);
    data.contacts[0] = { ...data.contacts[0]!, nick: 'אליס' };
    const { fake, user } = renderApp({ data });
    await user.click(await screen.findByRole('option', { name: /^אליס/ }));
    act(() =>
      fake.emit('contact', {
        change: 'moved',
        kind: 'peer',
        peer: { ...data.contacts[0]!, address: '192.168.1.99' },
        previous: { address: '192.168.1.31', port: 4000 },
      }),
    );
    const notice = await screen.findByText(
      wholeText('אליס moved from 192.168.1.31:4000 to 192.168.1.99:4000'),
    );
    const bdi = notice.querySelector('bdi');
    expect(bdi?.textContent).toBe('אליס');
    // The addresses are outside the isolated name.
    expect(bdi?.parentElement?.textContent).toContain('192.168.1.31:4000');
    const heading = screen.getByRole('heading', { name: 'אליס' });
    expect(heading.querySelector('bdi')?.textContent).toBe('אליס');
  });

  it('tags names that look alike (confusables, my own nick) with a short fingerprint', async () => {
    const data = sampleData(NOW);
    data.contacts.push(
      makeContact('3f9a01' + '0'.repeat(26), { nick: 'Аlice' }), // Cyrillic А
      makeContact('77aa22' + '0'.repeat(26), { nick: 'ME' }),
    );
    const { user } = renderApp({ data });
    const real = await screen.findByRole('option', { name: /^Alice alice /i });
    expect(within(real).getByTitle(/^Short fingerprint/).textContent).toBe('alice');
    const fake = screen.getByRole('option', { name: /^Аlice 3f9a01 / });
    expect(within(fake).getByTitle(/^Short fingerprint/).textContent).toBe('3f9a01');
    expect(screen.getByRole('option', { name: /^ME 77aa22 / })).toBeTruthy();
    // A name nobody else has is shown alone.
    expect(within(screen.getByRole('option', { name: /^Bob / })).queryByTitle(/^Short/)).toBeNull();
    await user.click(fake);
    const about = await screen.findByRole('region', { name: 'About Аlice 3f9a01' });
    expect(within(about).getByRole('heading').textContent).toBe('Аlice 3f9a01');
  });
});

describe('the packet inspector', () => {
  it('shows a sealed record’s header in the clear and its inner packet, marked decrypted', async () => {
    const data = sampleData(NOW);
    data.packets.push(
      makePacket(3, {
        kind: 'text',
        summary: 'text from Alice',
        peerId: 'alice',
        sealed: { type: 'transport', index: 0x1234abcd, counter: '42' },
        fields: { kind: 'text', from: 'alice', text: 'sealed hello' },
      }),
      makePacket(4, {
        kind: 'handshake',
        summary: 'handshake 1/3',
        sealed: { type: 'handshake-init', index: 7 },
      }),
    );
    const { user } = renderApp({ data });
    await screen.findByRole('option', { name: /^Alice/ });
    await user.click(screen.getByRole('button', { name: 'Packet inspector' }));
    const table = await screen.findByRole('table', { name: 'Packets' });
    await user.click(within(table).getByText('text from Alice'));
    const detail = screen.getByRole('complementary', { name: 'Packet details' });
    const header = within(detail).getByRole('region', { name: 'Protocol v2 header' });
    const row = (name: string) =>
      within(header).getByRole('rowheader', { name }).closest('tr')?.textContent;
    expect(row('Type')).toBe('Typetransport');
    expect(row('Receiver index')).toBe('Receiver index0x1234abcd (305441741)');
    expect(row('Counter (nonce)')).toBe('Counter (nonce)42');
    expect(within(detail).getAllByText('Decrypted inner packet').length).toBeGreaterThan(0);
    expect(within(detail).getByRole('rowheader', { name: 'text' })).toBeTruthy();
    await within(detail).findByText(/^The wire carried it encrypted/);

    await user.click(within(table).getByText('handshake 1/3'));
    const hs = within(detail).getByRole('region', { name: 'Protocol v2 header' });
    expect(within(hs).getByRole('rowheader', { name: 'Sender index' })).toBeTruthy();
    expect(within(hs).getByText(/^Noise XX message 1 of 3/)).toBeTruthy();
    expect(within(hs).queryByRole('rowheader', { name: 'Counter (nonce)' })).toBeNull();
  });
});
