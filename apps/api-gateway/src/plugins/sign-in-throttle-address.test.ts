import { describe, expect, it } from 'vitest';
import { clientNetwork } from './sign-in-throttle-address.ts';

describe('clientNetwork', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('::FFFF:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one network, however it is written', () => {
    const network = '2001:db8:85a3:1::/64';
    expect(clientNetwork('2001:db8:85a3:1::1')).toBe(network);
    expect(clientNetwork('2001:0db8:85a3:0001:ffff:ffff:ffff:fffe')).toBe(network);
    expect(clientNetwork('2001:DB8:85A3:1:0:0:0:9')).toBe(network);
    expect(clientNetwork('2001:db8:85a3:1::1%eth0')).toBe(network);
    expect(clientNetwork('2001:db8:85a3:2::1')).not.toBe(network);
  });

  it('expands `::` wherever it stands', () => {
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork('::1:2:3:4:5:6:7')).toBe('0:1:2:3::/64');
    expect(clientNetwork('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('1:2:3:4:5::')).toBe('1:2:3:4::/64');
    expect(clientNetwork('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });
});
