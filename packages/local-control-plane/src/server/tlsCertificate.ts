import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** A serving certificate and its key, both PEM. The certificate is its own CA. */
export interface ServingCertificate {
  cert: string;
  key: string;
}

/**
 * A self-signed serving certificate for 127.0.0.1/localhost, kept in dataDir so kubeconfigs written
 * earlier stay valid. kubectl only sends bearer tokens over TLS, hence HTTPS at all.
 */
export function servingCertificate(
  dataDir: string | undefined,
): ServingCertificate {
  const file = dataDir ? join(dataDir, 'serving-cert.json') : undefined;
  if (file && existsSync(file)) {
    return JSON.parse(readFileSync(file, 'utf8')) as ServingCertificate;
  }
  // Node generates the key natively (fast); selfsigned only builds and signs the certificate.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const generated = generate(
    [{ name: 'commonName', value: 'local-control-plane' }],
    {
      days: 3650,
      algorithm: 'sha256',
      keyPair: { privateKey, publicKey },
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'keyUsage',
          keyCertSign: true,
          digitalSignature: true,
          keyEncipherment: true,
        },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    } as Parameters<typeof generate>[1],
  );
  const result = { cert: generated.cert, key: privateKey };
  if (file) writeFileSync(file, JSON.stringify(result), { mode: 0o600 });
  return result;
}
