const encoder = new TextEncoder();

/** UTF-8 byte length: what the wire limits count. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
