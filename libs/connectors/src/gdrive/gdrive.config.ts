import { z } from 'zod';
import { secretRefSchema } from '../remote/secret';
import { scopeFields } from '../remote/scope';

/**
 * A Google Drive source read by a service account with the read-only scope
 * https://www.googleapis.com/auth/drive.readonly: shared drives (as the service account, or as a
 * user through domain-wide delegation) and users' My Drives (domain-wide delegation). See
 * libs/connectors/README.md for what a Workspace administrator grants.
 */
export const gdriveConfigSchema = z
  .object({
    /** The service account's JSON key, by reference. */
    serviceAccountKey: secretRefSchema,
    /** My Drive of these users, impersonated through domain-wide delegation. */
    users: z.array(z.email()).default([]),
    /** Shared drives by id, or "all" that the reading identity can see. */
    sharedDrives: z.union([z.literal('all'), z.array(z.string().min(1))]).default([]),
    /** User to impersonate for shared drives; default: the service account itself (drives shared with it). */
    sharedDrivesAs: z.email().optional(),
    /** Google's API root, or an emulator. */
    rootUrl: z.url().default('https://www.googleapis.com/'),
    /** OAuth token endpoint override (an emulator, a private endpoint). */
    tokenUrl: z.url().optional(),
    ...scopeFields,
  })
  .strict()
  .refine((c) => c.users.length > 0 || c.sharedDrives === 'all' || c.sharedDrives.length > 0, {
    message: 'name what to scan: users and/or sharedDrives',
  });

export type GdriveConfig = z.infer<typeof gdriveConfigSchema>;
