import { describe, expect, it } from 'vitest';
import { bearerToken } from './bearer-token.ts';

describe('bearerToken', () => {
  it('reads the one token after the Bearer scheme, whatever the scheme’s case', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toEqual({ ok: true, token: 'abc.def.ghi' });
    expect(bearerToken('bearer abc')).toEqual({ ok: true, token: 'abc' });
    expect(bearerToken('BEARER abc')).toEqual({ ok: true, token: 'abc' });
    expect(bearerToken('Bearer   a-b_c~d+e/f==')).toEqual({ ok: true, token: 'a-b_c~d+e/f==' });
  });

  it('says the header is missing when there is none or it is blank', () => {
    for (const value of [undefined, null, '', '   ']) expect(bearerToken(value)).toMatchObject({ ok: false, failure: 'missing' });
  });

  it('refuses another scheme, naming the one it wants', () => {
    const basic = bearerToken('Basic dXNlcjpwYXNz');
    expect(basic).toMatchObject({ ok: false, failure: 'other_scheme' });
    expect(basic.ok === false && basic.detail).toMatch(/Bearer/);
    // A scheme that only starts like Bearer is another scheme.
    expect(bearerToken('Bearerabc')).toMatchObject({ ok: false, failure: 'other_scheme' });
    expect(bearerToken('abc.def.ghi')).toMatchObject({ ok: false, failure: 'other_scheme' });
  });

  it('refuses the scheme without a token', () => {
    expect(bearerToken('Bearer')).toMatchObject({ ok: false, failure: 'no_token' });
    expect(bearerToken('Bearer    ')).toMatchObject({ ok: false, failure: 'no_token' });
  });

  it('refuses two tokens, separators and characters outside the b64token alphabet', () => {
    for (const value of ['Bearer a b', 'Bearer a,b', 'Bearer a\tb', 'Bearer "abc"', 'Bearer a=b', 'Bearer ===', 'Bearer tok\u00e9n', 'Bearer a;b']) {
      expect(bearerToken(value), value).toMatchObject({ ok: false, failure: 'malformed' });
    }
  });
});
