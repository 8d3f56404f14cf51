/** @module zod shapes of the Immich responses photoferry reads (from the published OpenAPI spec, v2 and v3). */
import { z } from 'zod';

export const serverVersion = z.object({ major: z.number().int(), minor: z.number().int(), patch: z.number().int() }).loose();
export const userMe = z.object({ id: z.string(), email: z.string(), isAdmin: z.boolean().optional() }).loose();
export const apiKeyMe = z.object({ id: z.string(), name: z.string().optional(), permissions: z.array(z.string()) }).loose();
export const uploadResult = z.object({ id: z.string(), status: z.enum(['created', 'duplicate', 'replaced']) }).loose();
export const bulkCheck = z.object({
  results: z.array(z.object({
    id: z.string(), action: z.enum(['accept', 'reject']), reason: z.string().optional(), assetId: z.string().optional(),
  }).loose()),
}).loose();
export const asset = z.object({
  id: z.string(), checksum: z.string(), originalFileName: z.string().optional(), isFavorite: z.boolean().optional(),
  livePhotoVideoId: z.string().nullable().optional(),
}).loose();
export const album = z.object({ id: z.string(), albumName: z.string() }).loose();
export const albumAssetResults = z.array(z.object({ id: z.string(), success: z.boolean(), error: z.string().optional() }).loose());
/** Both error formats: v2's Nest `{message, error, statusCode}` and v3's zod issues with a message. */
export const errorBody = z.object({ message: z.union([z.string(), z.array(z.string())]).optional() }).loose();

/** The permissions a backup cannot do without, and those only renames and moves of albums need. */
export const REQUIRED_PERMISSIONS = ['asset.upload', 'asset.read', 'album.create', 'album.read', 'albumAsset.create', 'user.read'] as const;
export const ALBUM_EDIT_PERMISSIONS = ['album.update', 'albumAsset.delete'] as const;
