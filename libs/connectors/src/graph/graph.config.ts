import { z } from 'zod';
import { secretRefSchema } from '../remote/secret';
import { scopeFields } from '../remote/scope';

/**
 * A SharePoint Online / OneDrive for Business source, read through Microsoft Graph with app-only
 * auth. Needs the application permission Sites.Read.All (and Files.Read.All for OneDrive), granted
 * by an administrator: see libs/connectors/README.md.
 */
export const sharepointConfigSchema = z
  .object({
    tenantId: z.string().min(1),
    clientId: z.string().min(1),
    /** The app registration's client secret, by reference. */
    clientSecret: secretRefSchema.optional(),
    /** PEM with the app's certificate and private key, by reference (preferred over a secret). */
    certificate: secretRefSchema.optional(),
    /** Site ids or `host:/sites/path` addresses; their document libraries are scanned. */
    sites: z.array(z.string().min(1)).default([]),
    /** Every site of the tenant (GET /sites/getAllSites). */
    allSites: z.boolean().default(false),
    /** OneDrive of these users (UPN or id). */
    users: z.array(z.string().min(1)).default([]),
    /** Further drives by id. */
    drives: z.array(z.string().min(1)).default([]),
    /** National clouds, or an emulator. */
    graphUrl: z.url().default('https://graph.microsoft.com'),
    authorityHost: z.url().default('https://login.microsoftonline.com'),
    /** Extra CA certificate(s) (PEM file) to trust, e.g. a TLS-inspecting proxy. */
    caFile: z.string().min(1).optional(),
    ...scopeFields,
  })
  .strict()
  .refine((c) => !!c.clientSecret !== !!c.certificate, {
    message: 'give exactly one of clientSecret and certificate',
  })
  .refine((c) => c.allSites || c.sites.length + c.users.length + c.drives.length > 0, {
    message: 'name what to scan: sites, users, drives or allSites: true',
  });

export type SharepointConfig = z.infer<typeof sharepointConfigSchema>;
