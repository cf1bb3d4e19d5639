// A packet's bytes for the inspector: as text (JSON indented, other control characters shown as
// ·) and as a classic hex dump, 16 bytes per line with the offset and the printable ASCII.

const decoder = new TextDecoder('utf-8', { fatal: false });

export function payloadText(bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // eslint-disable-next-line no-control-regex -- show control bytes, never act on them
    return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '·');
  }
}

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.byteLength; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
    lines.push(
      `${at.toString(16).padStart(6, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  ${ascii.join('')}`,
    );
  }
  return lines.join('\n');
}
