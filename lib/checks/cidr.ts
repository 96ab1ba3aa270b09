/**
 * Just enough CIDR arithmetic for sg-exposure: parse IPv4 and IPv6 CIDRs into address
 * intervals, take their union, and find the part outside private networks. Addresses are
 * BigInts so IPv6 needs no special case.
 */

export type Family = 4 | 6;

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  family: Family;
  start: bigint;
  end: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

/** `10.0.0.0/8` or `2001:db8::/32` as a range; undefined when it is not a valid CIDR. */
export function parseCidr(cidr: string): AddressRange | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!match) return undefined;
  const family: Family = match[1]!.includes(':') ? 6 : 4;
  const address = family === 4 ? parseIpv4(match[1]!) : parseIpv6(match[1]!);
  const prefix = Number(match[2]);
  if (address === undefined || prefix > BITS[family]) return undefined;
  const hostBits = BigInt(BITS[family] - prefix);
  const start = (address >> hostBits) << hostBits;
  return { family, start, end: start + (1n << hostBits) - 1n };
}

/**
 * Private address space: RFC 1918 and RFC 6598 (shared 100.64.0.0/10, usable as a VPC CIDR)
 * for IPv4; unique local fc00::/7 for IPv6. VPC IPv6 addresses are global (public) ones.
 */
export const PRIVATE_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];
const PRIVATE = PRIVATE_CIDRS.map((cidr) => parseCidr(cidr)!);

/** The union of ranges: sorted, merged where they touch or overlap. */
export function union(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) =>
    a.family !== b.family ? a.family - b.family : a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const merged: AddressRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.family === range.family && range.start <= last.end + 1n) {
      if (range.end > last.end) last.end = range.end;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

function subtract(range: AddressRange, hole: AddressRange): AddressRange[] {
  if (range.family !== hole.family || hole.end < range.start || hole.start > range.end) return [range];
  const parts: AddressRange[] = [];
  if (hole.start > range.start) parts.push({ ...range, end: hole.start - 1n });
  if (hole.end < range.end) parts.push({ ...range, start: hole.end + 1n });
  return parts;
}

/** The part of `ranges` outside private networks (a union). */
export function publicPart(ranges: readonly AddressRange[]): AddressRange[] {
  let rest = union(ranges);
  for (const hole of PRIVATE) rest = rest.flatMap((range) => subtract(range, hole));
  return rest;
}

/** How many public addresses a family has in all (every address less the private ones). */
function publicSpace(family: Family): bigint {
  const all = { family, start: 0n, end: (1n << BigInt(BITS[family])) - 1n };
  return size(publicPart([all]));
}

function size(ranges: readonly AddressRange[]): bigint {
  return ranges.reduce((total, r) => total + (r.end - r.start + 1n), 0n);
}

/** `every public IPv4 address`, `256 public IPv4 addresses`, `about 2^96 public IPv6 addresses`. */
export function describePublic(ranges: readonly AddressRange[]): string[] {
  const texts: string[] = [];
  for (const family of [4, 6] as const) {
    const count = size(publicPart(ranges.filter((r) => r.family === family)));
    if (count === 0n) continue;
    if (count === publicSpace(family)) texts.push(`every public IPv${family} address`);
    else if (count < 1n << 32n) texts.push(`${count} public IPv${family} address${count === 1n ? '' : 'es'}`);
    else texts.push(`about 2^${count.toString(2).length - 1} public IPv${family} addresses`);
  }
  return texts;
}
