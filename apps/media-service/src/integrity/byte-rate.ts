/**
 * A pace for re-reading objects: `take(n)` resolves when n more bytes fit under `bytesPerSecond`
 * since the pace started, so the full pass reads at that rate whatever the object sizes, leaving
 * the disks and the network to uploads.
 */
export interface BytePace {
  take(bytes: number): Promise<void>;
  readonly bytesTaken: number;
}

export function createBytePace(bytesPerSecond: number, now: () => number = performance.now.bind(performance)): BytePace {
  let nextFreeAt = now();
  let bytesTaken = 0;
  return {
    get bytesTaken() {
      return bytesTaken;
    },
    async take(bytes) {
      const current = now();
      // Idle time is not saved up: at most the current chunk goes through without waiting.
      if (nextFreeAt < current) nextFreeAt = current;
      const waitMs = nextFreeAt - current;
      nextFreeAt += (bytes / bytesPerSecond) * 1000;
      bytesTaken += bytes;
      if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
    },
  };
}
