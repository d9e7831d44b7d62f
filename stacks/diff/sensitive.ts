/**
 * What the diff never prints: Secret data, kubeconfigs, private keys and tokens, bootstrap (cloud-init) data.
 * A field is sensitive by where it is (a Secret's `data` / `stringData`, a field named like a credential) or by
 * what it holds (a PEM block, a kubeconfig). The differ keeps only the fact that such a field changed.
 */

/** Field names whose values are credentials or machine bootstrap data, compared lower-case without `-` and `_`. */
const SENSITIVE_FIELD_NAMES = new Set([
  'password', 'passwd', 'token', 'bearertoken', 'apitoken', 'accesstoken', 'refreshtoken', 'secret', 'clientsecret',
  'secretkey', 'secretaccesskey', 'accesskey', 'privatekey', 'apikey', 'kubeconfig', 'userdata', 'customdata',
  'bootstrapdata', 'clientkeydata', 'clientkey', 'tlskey', 'sshprivatekey', 'encryptionkey',
]);

/** Values that hold key material or a kubeconfig, wherever they appear. */
const SENSITIVE_VALUE = /-----BEGIN [A-Z0-9 ]*(PRIVATE KEY|CERTIFICATE|ENCRYPTED)|client-key-data:|client-certificate-data:|\btoken:\s*\S{16,}|kind:\s*Config\b[\s\S]*\busers:/;

/** True when a field of this name holds a credential. */
export function isSensitiveFieldName(name: string): boolean {
  return SENSITIVE_FIELD_NAMES.has(name.toLowerCase().replace(/[-_]/g, ''));
}

/** True when a string value looks like key material or a kubeconfig. */
export function isSensitiveText(value: string): boolean {
  return value.length >= 16 && SENSITIVE_VALUE.test(value);
}

/** Names of environment variables (and other name/value pairs) whose value is a credential. */
const SENSITIVE_VARIABLE = /pass(word|wd)?\b|passwd|token|secret|private_?key|api_?key|access_?key|credential|kubeconfig/i;

/** True when a name/value pair's name says its value is a credential (`DB_PASSWORD`, `API_TOKEN`). */
export function isSensitiveVariableName(name: string): boolean {
  return SENSITIVE_VARIABLE.test(name);
}

/**
 * True when the value holds anything sensitive, at any depth: text that looks like key material or a kubeconfig,
 * a scalar under a credential-like field name, or a `{name, value}` pair named like a credential.
 */
export function containsSensitiveText(value: unknown): boolean {
  if (typeof value === 'string') return isSensitiveText(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(containsSensitiveText);
  const o = value as Record<string, unknown>;
  if (typeof o.name === 'string' && 'value' in o && isSensitiveVariableName(o.name)) return true;
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v !== 'object' && v !== undefined && isSensitiveFieldName(k)) return true;
    if (containsSensitiveText(v)) return true;
  }
  return false;
}

/**
 * True when the top-level field `field` of an object of `kind` is secret as a whole: every value under a Secret's
 * `data` and `stringData`.
 */
export function isSensitiveTopLevelField(kind: string, field: string): boolean {
  return kind === 'Secret' && (field === 'data' || field === 'stringData');
}
