import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface SelfSigned {
  key: string;
  cert: string;
  /** The certificate on disk, for the connector's `caFile`. */
  certFile: string;
  dispose(): void;
}

/**
 * A throwaway self-signed certificate for localhost and 127.0.0.1, made at test time with the openssl
 * CLI (nothing is committed). The connector trusts it through its `caFile` setting.
 */
export function selfSignedCert(): SelfSigned {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-emu-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
