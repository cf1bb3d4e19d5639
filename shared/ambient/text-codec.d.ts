// shared/ compiles without Node or DOM types, yet both runtimes provide the WHATWG Encoding API.
// Declare just the part shared/ uses; electron/ and renderer/ get the real declarations instead.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
