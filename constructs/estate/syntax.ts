/**
 * Kubernetes name and label syntax, as the API server checks it (apimachinery validation), so that an estate
 * never synthesizes an object the API server would refuse.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Returns why `name` is not a DNS-1123 label (at most 63 characters), or undefined when it is one. */
export function checkDnsLabel(name: string, maxLength = 63): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > maxLength) return `must be at most ${maxLength} characters (has ${name.length})`;
  if (!DNS1123_LABEL.test(name)) return 'must consist of lowercase letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}

/** Returns why `name` is not a DNS-1123 subdomain, or undefined when it is one. */
export function checkDnsSubdomain(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return `must be at most 253 characters (has ${name.length})`;
  if (!DNS1123_SUBDOMAIN.test(name)) return 'must be lowercase letters, digits, "-" and ".", each part starting and ending with a letter or digit';
  return undefined;
}

/** Returns why `key` is not a valid label (or annotation-style qualified) key, or undefined. */
export function checkLabelKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    const prefixProblem = checkDnsSubdomain(prefix);
    if (prefixProblem) return `prefix "${prefix}" ${prefixProblem}`;
  }
  if (name.length === 0) return 'name part must not be empty';
  if (name.length > 63) return `name part must be at most 63 characters (has ${name.length})`;
  if (!LABEL_NAME.test(name)) return 'name part must be alphanumeric, "-", "_" or ".", starting and ending with an alphanumeric character';
  return undefined;
}

/** Returns why `value` is not a valid label value, or undefined. */
export function checkLabelValue(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > 63) return `must be at most 63 characters (has ${value.length})`;
  if (!LABEL_NAME.test(value)) return 'must be alphanumeric, "-", "_" or ".", starting and ending with an alphanumeric character';
  return undefined;
}
