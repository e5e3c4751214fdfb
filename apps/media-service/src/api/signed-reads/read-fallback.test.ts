import { describe, expect, it } from 'vitest';
import { createMirrorGate } from '../../storage/media-stores.ts';
import { createFallbackSigner, type UrlSigner } from './signed-urls.ts';
import { StorageUnavailableError } from '../../storage/storage-errors.ts';

const signerFor = (host: string): UrlSigner => ({ signGet: async (key, now = new Date(0)) => ({ url: `http://${host}/${key}`, expiresAt: now }) });

describe('signed reads with a mirror', () => {
  it('sign for the primary while it holds the object, else for the mirror', async () => {
    const held = new Set(['originals/a']);
    const signer = createFallbackSigner(signerFor('primary'), signerFor('mirror'), { primaryHolds: async (key) => held.has(key) });
    expect((await signer.signGet('originals/a')).url).toBe('http://primary/originals/a');
    expect((await signer.signGet('originals/b')).url).toBe('http://mirror/originals/b');
  });

  it('skip the primary for a while after its check failed, so an outage costs one slow check', async () => {
    let checks = 0;
    const reasons: string[] = [];
    const signer = createFallbackSigner(
      signerFor('primary'),
      signerFor('mirror'),
      {
        primaryHolds: async () => {
          checks += 1;
          throw new Error('connect ECONNREFUSED');
        },
      },
      { skipAfterErrorMs: 60_000, onFallback: (_key, reason) => reasons.push(reason) },
    );
    for (const key of ['k1', 'k2', 'k3']) expect((await signer.signGet(key)).url).toBe(`http://mirror/${key}`);
    expect(checks).toBe(1);
    expect(reasons).toEqual(['connect ECONNREFUSED']);
  });
});

describe('mirror gate of the write path', () => {
  it('closes for the pause after an outage, not after other errors, and opens again', () => {
    let now = 0;
    const gate = createMirrorGate(5000, () => now);
    gate.recordFailure(new Error('a bad request about this object'));
    expect(gate.open).toBe(true);
    gate.recordFailure(new StorageUnavailableError('PUT: ECONNREFUSED'));
    expect(gate.open).toBe(false);
    now = 4999;
    expect(gate.open).toBe(false);
    now = 5000;
    expect(gate.open).toBe(true);
  });
});
