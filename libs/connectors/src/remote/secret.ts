import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ShadowscanError } from '@shadowscan/domain';

/**
 * Where a credential lives: an environment variable or a (mounted) secret file. Source configs hold
 * only this reference, so the database, the API and the logs never see the secret itself.
 */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

export function readSecret(ref: SecretRef, what: string): string {
  if ('env' in ref) {
    const value = process.env[ref.env];
    if (!value) {
      throw new ShadowscanError(
        'credential_missing',
        `${what}: environment variable ${ref.env} is not set; set it where the worker runs.`,
      );
    }
    return value;
  }
  try {
    return readFileSync(ref.file, 'utf8').trim();
  } catch {
    throw new ShadowscanError(
      'credential_missing',
      `${what}: secret file ${ref.file} cannot be read; mount it where the worker runs.`,
    );
  }
}
