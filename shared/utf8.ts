// Runtime-neutral (the node, the renderer's first screen, the file-name rules): no imports.

/**
 * Bytes `text` takes in UTF-8 (a lone surrogate as the three bytes of U+FFFD, as TextEncoder
 * writes it), counted without encoding it: what the wire's and the file names' limits count.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: two units, four bytes.
        bytes += 2;
        i += 1;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
