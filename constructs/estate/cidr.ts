import * as ipaddr from 'ipaddr.js';

/**
 * An address block, parsed. Addresses are kept as bigint so IPv4 and IPv6 share one code path.
 * @internal
 */
export interface CidrBlock {
  readonly text: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly first: bigint;
  readonly last: bigint;
  readonly prefixLength: number;
}

// The notation Kubernetes accepts (Go's net.ParseCIDR): four decimal octets without leading zeros, or IPv6 without a
// zone, and a decimal prefix length. ipaddr.js alone also reads octal, hex and short forms, which would place a block
// somewhere else than the API server does.
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4_CIDR = new RegExp(`^${OCTET}(\\.${OCTET}){3}/(3[0-2]|[12][0-9]|[0-9])$`);
const IPV6_CIDR = /^(?=[^/]*:)[0-9A-Fa-f:.]+\/(12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9])$/;

// Validation, planning and rendering read the same few blocks of every cluster again and again, and bigint maths is
// slow: each text is parsed once. Blocks are frozen, so sharing them is safe; the cache is bounded so a long-running
// process that sees many estates (the property tests) keeps its memory.
const parsedBlocks = new Map<string, CidrBlock | Error>();
const MAX_CACHED_BLOCKS = 50_000;

/** Parses `a.b.c.d/n` or an IPv6 CIDR. Throws a plain Error whose message says what is wrong. */
export function parseCidr(text: string): CidrBlock {
  if (typeof text !== 'string') return parseCidrUncached(text);
  let result = parsedBlocks.get(text);
  if (result === undefined) {
    try {
      result = Object.freeze(parseCidrUncached(text));
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    if (parsedBlocks.size >= MAX_CACHED_BLOCKS) parsedBlocks.clear();
    parsedBlocks.set(text, result);
  }
  // A fresh Error each time: callers may decorate the message, and the stack should be the caller's.
  if (result instanceof Error) throw new Error(result.message);
  return result;
}

function parseCidrUncached(text: string): CidrBlock {
  if (typeof text !== 'string' || !(IPV4_CIDR.test(text) || IPV6_CIDR.test(text))) {
    throw new Error(`"${text}" is not a CIDR block such as 10.0.0.0/16 (dotted decimal without leading zeros, or IPv6, with a prefix length)`);
  }
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(text);
  } catch {
    throw new Error(`"${text}" is not a CIDR block such as 10.0.0.0/16`);
  }
  const [address, prefixLength] = parsed;
  const bytes = address.toByteArray();
  const bits = bytes.length * 8;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  const hostBits = BigInt(bits - prefixLength);
  const mask = (1n << hostBits) - 1n;
  if ((value & mask) !== 0n) {
    throw new Error(`"${text}" has host bits set; the network address is ${networkText(value & ~mask, address.kind(), prefixLength)}`);
  }
  return { text, family: address.kind(), first: value, last: value | mask, prefixLength };
}

/** True when two blocks share at least one address. */
export function cidrsOverlap(a: CidrBlock, b: CidrBlock): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** True when `inner` lies entirely within `outer`. */
export function cidrContains(outer: CidrBlock, inner: CidrBlock): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/** The address `offset` places after the block's network address, as text. */
export function addressAt(block: CidrBlock, offset: number): string {
  const value = block.first + BigInt(offset);
  if (value > block.last) throw new Error(`offset ${offset} is outside ${block.text}`);
  return addressText(value, block.family);
}

/** Number of addresses in the block. */
export function blockSize(block: CidrBlock): bigint {
  return block.last - block.first + 1n;
}

function addressText(value: bigint, family: 'ipv4' | 'ipv6'): string {
  const length = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let i = length - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function networkText(value: bigint, family: 'ipv4' | 'ipv6', prefixLength: number): string {
  return `${addressText(value, family)}/${prefixLength}`;
}

/** One address as a block of one (`/32`, or `/128` for IPv6) in the strict notation; undefined when it is not an address. */
export function singleAddress(address: string): CidrBlock | undefined {
  try {
    return parseCidr(`${address}/${address.includes(':') ? 128 : 32}`);
  } catch {
    return undefined;
  }
}
