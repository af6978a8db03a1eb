// Who is on the other end of a request: the peer's address, or, when the peer is a reverse proxy the
// owner trusts (TRUSTED_PROXIES), the address that proxy reported in X-Forwarded-For. A header from
// anyone else is ignored: otherwise a client could claim any address and dodge the sign-in limits.

interface Network {
  version: 4 | 6;
  base: bigint;
  bits: number;
}

export class AddressError extends Error {}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => (value << 8n) | BigInt(part), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let v4Tail: bigint | undefined;
  // ::ffff:192.0.2.1 and the like: the last 32 bits written as IPv4.
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    v4Tail = parseIpv4(dotted[2]!);
    if (v4Tail === undefined) return undefined;
    head = `${dotted[1]}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  const value = all.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n);
  return v4Tail === undefined ? value : (value & ~0xffffffffn) | v4Tail;
}

const mappedV4Prefix = 0xffffn << 32n;

// An address as version and number; an IPv4 address mapped into IPv6 counts as the IPv4 one.
function parseAddress(text: string): { version: 4 | 6; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIpv6(text.replace(/%.*$/, ""));
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === mappedV4Prefix >> 32n) return { version: 4, value: v6 & 0xffffffffn };
  return { version: 6, value: v6 };
}

// "192.168.1.0/24", "10.0.0.5", "fd00::/8": the networks whose requests may name the client.
export function parseNetworks(list: string): Network[] {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const [address = "", prefix] = entry.split("/");
      const parsed = parseAddress(address);
      if (!parsed)
        throw new AddressError(`"${entry}" is not an IP address or network (e.g. 172.18.0.0/16 or 10.0.0.2)`);
      const width = parsed.version === 4 ? 32 : 128;
      const bits = prefix === undefined ? width : Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > width || (prefix !== undefined && !/^\d+$/.test(prefix))) {
        throw new AddressError(`"${entry}" has a prefix length outside 0..${width}`);
      }
      const shift = BigInt(width - bits);
      return { version: parsed.version, base: (parsed.value >> shift) << shift, bits };
    });
}

function within(address: { version: 4 | 6; value: bigint }, network: Network): boolean {
  if (address.version !== network.version) return false;
  const shift = BigInt((address.version === 4 ? 32 : 128) - network.bits);
  return (address.value >> shift) << shift === network.base;
}

const isTrusted = (text: string, networks: Network[]) => {
  const parsed = parseAddress(text);
  return parsed !== undefined && networks.some((network) => within(parsed, network));
};

// The peer as workerd reports it ("192.0.2.1:51234", "[2001:db8::1]:443"), without its port.
export function peerAddress(clientIp: string | undefined): string | undefined {
  if (!clientIp) return undefined;
  const bracketed = clientIp.match(/^\[([^\]]+)\](?::\d+)?$/);
  if (bracketed) return bracketed[1];
  const v4 = clientIp.match(/^(\d+\.\d+\.\d+\.\d+)(?::\d+)?$/);
  return v4 ? v4[1] : clientIp;
}

// The client behind the peer. Proxies append the address they received from, so X-Forwarded-For is
// read from the right: past every trusted proxy, the first address is the client's. Entries to its
// left were written by the client itself and prove nothing.
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trusted: Network[]): string {
  if (!peer) return "unknown";
  if (!forwardedFor || !isTrusted(peer, trusted)) return peer;
  const hops = forwardedFor
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = peerAddress(hops[i]!)!;
    if (!isTrusted(hop, trusted)) return parseAddress(hop) ? hop : peer;
  }
  return hops.length ? peerAddress(hops[0]!)! : peer;
}
