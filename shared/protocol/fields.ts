// Field schemas shared by the packet schemas (packets.ts) and the group schemas (groups.ts).
import { z } from 'zod';
import { MAX_ID_LENGTH, NODE_ID_HEX_LENGTH } from './constants';

/** A node id: lowercase hex (hot-packets.ts checks the same patterns without zod). */
export const NODE_ID_PATTERN = new RegExp(`^[0-9a-f]{${NODE_ID_HEX_LENGTH}}$`);
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const nodeId = z.string().regex(NODE_ID_PATTERN);
export const messageId = z.string().min(1).max(MAX_ID_LENGTH).regex(MESSAGE_ID_PATTERN);
export const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const timestamp = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// Control characters (C0, DEL, C1) would let a peer rewrite the terminal or fake UI lines.
// eslint-disable-next-line no-control-regex
export const noControl = /^[^\u0000-\u001f\u007f-\u009f]*$/;
/**
 * Invisible format characters (Unicode category Cf: bidi embeddings, overrides and isolates,
 * zero-width spaces and joiners, the BOM, …) make one name look like another ("bob\u202Etxt.exe"
 * reads "bobexe.txt"). Names are stored and shown without them.
 */
const INVISIBLE = /\p{Cf}/gu;
export const visibleLabel = (max: number, min: number) =>
  z
    .string()
    .max(max * 4)
    .transform((s) => s.replace(INVISIBLE, '').trim())
    .pipe(z.string().min(min).max(max).regex(noControl));
