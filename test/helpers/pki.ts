/**
 * Test certificates, made for one run with the real openssl binary: a CA, and leaf certificates it signs with the
 * names, IP addresses and extended key usages a test asks for. Keys are EC P-256 (fast to generate), unencrypted,
 * valid for two days, and live only in the run's temporary directory.
 */
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

/** A certificate and its private key, as PEM files. */
export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/** A certificate authority made for the run. */
export interface CertificateAuthority extends CertificateFiles {
  readonly name: string;
  readonly dir: string;
  /** The openssl binary used, reused for what the CA signs. */
  readonly openssl: string;
}

/** What a leaf certificate is for. */
export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

/** A leaf certificate to issue. */
export interface LeafProps {
  /** File name stem: `<name>.crt` and `<name>.key` in the CA's directory. */
  readonly name: string;
  readonly commonName: string;
  /** Subject organisation (kubeadm puts `system:masters` on the API server's etcd client). @default - none */
  readonly organization?: string;
  /** IP subject alternative names. @default - none */
  readonly ips?: readonly string[];
  /** DNS subject alternative names. @default - none */
  readonly dnsNames?: readonly string[];
  readonly usages: readonly ExtendedKeyUsage[];
  /** @default 2 */
  readonly days?: number;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(binary: string, args: string[]): Promise<void> {
  try {
    await run(binary, args, { timeout: 20_000 });
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`openssl ${args[0]} failed: ${err.message}\n${err.stderr ?? ''}`);
  }
}

function subject(commonName: string, organization?: string): string {
  const escape = (s: string) => s.replace(/[/\\=+,]/g, (c) => `\\${c}`);
  return `${organization ? `/O=${escape(organization)}` : ''}/CN=${escape(commonName)}`;
}

/** Creates a self-signed CA in `dir` (created when missing): `<name>.crt`, `<name>.key`. */
export async function createCertificateAuthority(opensslBinary: string, dir: string, name: string, days = 2): Promise<CertificateAuthority> {
  await fs.mkdir(dir, { recursive: true });
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  await openssl(opensslBinary, [
    'req', '-x509', ...EC_KEY, '-keyout', key, '-out', cert, '-days', String(days), '-subj', subject(`${name} test CA`),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    '-addext', 'subjectKeyIdentifier=hash',
  ]);
  return { name, dir, cert, key, openssl: opensslBinary };
}

/** Issues a leaf certificate signed by `ca`, in the CA's directory. */
export async function issueCertificate(ca: CertificateAuthority, props: LeafProps): Promise<CertificateFiles> {
  if (props.usages.length === 0) throw new Error(`certificate ${props.name}: give at least one extended key usage`);
  const cert = path.join(ca.dir, `${props.name}.crt`);
  const key = path.join(ca.dir, `${props.name}.key`);
  const csr = path.join(ca.dir, `${props.name}.csr`);
  const ext = path.join(ca.dir, `${props.name}.ext`);
  const sans = [...(props.ips ?? []).map((ip) => `IP:${ip}`), ...(props.dnsNames ?? []).map((dns) => `DNS:${dns}`)];
  const extensions = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${props.usages.join(',')}`,
    'authorityKeyIdentifier=keyid',
    ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
  ];
  await fs.writeFile(ext, extensions.join('\n') + '\n');
  await openssl(ca.openssl, ['req', '-new', ...EC_KEY, '-keyout', key, '-out', csr, '-subj', subject(props.commonName, props.organization)]);
  await openssl(ca.openssl, [
    'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(12).toString('hex')}`,
    '-days', String(props.days ?? 2), '-extfile', ext, '-out', cert,
  ]);
  await Promise.all([fs.rm(csr, { force: true }), fs.rm(ext, { force: true })]);
  return { cert, key };
}

/** A self-signed server certificate (no CA), for a TLS server that clients do not verify. */
export async function selfSignedServerCertificate(
  opensslBinary: string,
  dir: string,
  name: string,
  commonName: string,
  ips: readonly string[] = [],
): Promise<CertificateFiles> {
  await fs.mkdir(dir, { recursive: true });
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const args = ['req', '-x509', ...EC_KEY, '-keyout', key, '-out', cert, '-days', '2', '-subj', subject(commonName), '-addext', 'extendedKeyUsage=serverAuth'];
  if (ips.length > 0) args.push('-addext', `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(',')}`);
  await openssl(opensslBinary, args);
  return { cert, key };
}
