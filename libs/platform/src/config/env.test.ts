import { describe, expect, it } from 'vitest';
import { ConfigError, env, readEnv } from './env.ts';

const spec = {
  PORT: env.port({ description: 'port', default: 3000 }),
  HOST: env.string({ description: 'host' }),
  RATIO: env.number({ description: 'ratio', default: 1, min: 0, max: 2 }),
  FLAG: env.bool({ description: 'flag', default: false }),
  MODE: env.oneOf(['a', 'b'], { description: 'mode', default: 'a' }),
  ORIGINS: env.list({ description: 'origins', default: [] }),
  SECRET: env.string({ description: 'secret', default: 'x', secret: true }),
  URL: env.url({ description: 'url', default: 'http://x' }),
};

describe('readEnv', () => {
  it('applies defaults and parses every kind', () => {
    const values = readEnv(spec, { HOST: 'db', RATIO: '0.5', FLAG: 'yes', MODE: 'b', ORIGINS: ' http://a , http://b ', URL: 'http://m:1/' });
    expect(values).toEqual({ PORT: 3000, HOST: 'db', RATIO: 0.5, FLAG: true, MODE: 'b', ORIGINS: ['http://a', 'http://b'], SECRET: 'x', URL: 'http://m:1' });
  });

  it('names every missing or invalid variable in one error', () => {
    try {
      readEnv(spec, { PORT: '70000', RATIO: 'abc', FLAG: 'maybe', MODE: 'c', SECRET: '', URL: 'nope' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toEqual([
        'PORT must be a port number (1-65535), got "70000"',
        'HOST is required (host)',
        'RATIO must be a number between 0 and 2, got "abc"',
        'FLAG must be true or false, got "maybe"',
        'MODE must be one of a, b, got "c"',
        'URL must be an absolute URL, got "nope"',
      ]);
    }
  });

  it('never prints a secret value', () => {
    const secretSpec = { KEY: env.int({ description: 'k', secret: true }) };
    expect(() => readEnv(secretSpec, { KEY: 'hunter2' })).toThrow('KEY must be an integer between -9007199254740991 and 9007199254740991, got (hidden)');
  });
});

describe('readEnv and empty values', () => {
  it('keeps an explicitly empty optional string (it can mean "use the provider default") but treats other empty kinds as unset', () => {
    const spec = { ENDPOINT: env.string({ description: 'e', default: 'http://local' }), PORT: env.port({ description: 'p', default: 1 }), NAME: env.string({ description: 'n' }) };
    expect(readEnv(spec, { ENDPOINT: '', PORT: '', NAME: 'x' })).toEqual({ ENDPOINT: '', PORT: 1, NAME: 'x' });
    expect(() => readEnv(spec, { NAME: '  ' })).toThrow('NAME is required');
  });
});

describe('env.portList', () => {
  const spec = { NODE_PORTS: env.portList({ description: 'nodes', default: [3311, 3312, 3313], count: 3 }) };

  it('reads ports in order, with spaces around them, and defaults when unset', () => {
    expect(readEnv(spec, { NODE_PORTS: ' 4001, 4002 ,4003' })).toEqual({ NODE_PORTS: [4001, 4002, 4003] });
    expect(readEnv(spec, {})).toEqual({ NODE_PORTS: [3311, 3312, 3313] });
  });

  it.each([
    ['3311,3312', 'must be a comma-separated list of 3 port numbers (1-65535)'],
    ['3311,3312,3313,3314', 'must be a comma-separated list of 3 port numbers (1-65535)'],
    ['3311,abc,3313', 'must be a comma-separated list of 3 port numbers (1-65535)'],
    ['3311,,3313', 'must be a comma-separated list of 3 port numbers (1-65535)'],
    ['3311,70000,3313', 'must be a comma-separated list of 3 port numbers (1-65535)'],
    ['3311,3311,3313', 'must not list a port twice'],
  ])('refuses %j, naming the variable', (raw, problem) => {
    expect(() => readEnv(spec, { NODE_PORTS: raw })).toThrow(`NODE_PORTS ${problem}, got ${JSON.stringify(raw)}`);
  });

  it('takes any number of ports without a count', () => {
    const open = { PORTS: env.portList({ description: 'any' }) };
    expect(readEnv(open, { PORTS: '1,65535' })).toEqual({ PORTS: [1, 65535] });
  });
});

describe('env.addressList', () => {
  const spec = { CLUSTER_NODES: env.addressList({ description: 'nodes', default: [] }) };

  it('reads host:port addresses in order, and is empty when unset', () => {
    expect(readEnv(spec, { CLUSTER_NODES: 'galera-1:3306, 10.0.0.2:3307 ,[::1]:3308' })).toEqual({
      CLUSTER_NODES: [
        { host: 'galera-1', port: 3306 },
        { host: '10.0.0.2', port: 3307 },
        { host: '::1', port: 3308 },
      ],
    });
    expect(readEnv(spec, {})).toEqual({ CLUSTER_NODES: [] });
  });

  it.each([
    ['galera-1', 'must be a comma-separated list of host:port (port 1-65535), and "galera-1" is not one'],
    ['galera-1:3306,,galera-2:3306', 'must be a comma-separated list of host:port (port 1-65535), and "" is not one'],
    ['galera-1:0', 'must be a comma-separated list of host:port (port 1-65535), and "galera-1:0" is not one'],
    ['galera-1:70000', 'must be a comma-separated list of host:port (port 1-65535), and "galera-1:70000" is not one'],
    ['http://galera-1:3306', 'must be a comma-separated list of host:port (port 1-65535), and "http://galera-1:3306" is not one'],
    ['galera-1:3306,galera-1:3306', 'must not list an address twice'],
  ])('refuses %j, naming the variable', (raw, problem) => {
    expect(() => readEnv(spec, { CLUSTER_NODES: raw })).toThrow(`CLUSTER_NODES ${problem}, got ${JSON.stringify(raw)}`);
  });
});
