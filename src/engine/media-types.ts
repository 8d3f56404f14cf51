/** @module The media types a filter can name: their own module so the CLI can list them without loading zod or picomatch. */
export const MEDIA_TYPES = ['photo', 'video', 'live', 'raw', 'screenshot'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
