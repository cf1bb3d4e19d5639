// Size limits of the IPC contract as plain constants, without the zod schemas (schemas.ts uses
// and re-exports them): the renderer's first screen reads them and must not load zod.

/** The largest image that can be pasted into the composer and sent (checked again in main). */
export const MAX_PASTED_IMAGE_BYTES = 32 * 1024 * 1024;
