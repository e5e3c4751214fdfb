import { isIPv6 } from 'node:net';

/** IPv6 groups of one part of an address around `::`; a dotted IPv4 tail fills the last two groups. */
function groupsOf(part: string): string[] {
  if (part === '') return [];
  return part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
}

/**
 * The network a client address is counted as in the per-address sign-in throttle. An IPv6 client
 * usually holds a whole /64 and could use a fresh address for every guess, so IPv6 counts per /64;
 * an IPv4-mapped address counts as the IPv4 address it carries.
 */
export function clientNetwork(address: string): string {
  const withoutZone = address.split('%')[0]!;
  const mappedIPv4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(withoutZone);
  if (mappedIPv4) return mappedIPv4[1]!;
  if (!isIPv6(withoutZone)) return address;
  const [head = '', tail] = withoutZone.split('::');
  const headGroups = groupsOf(head);
  const tailGroups = tail === undefined ? [] : groupsOf(tail);
  const zeros = new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const prefix = [...headGroups, ...zeros, ...tailGroups].slice(0, 4).map((group) => parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}
