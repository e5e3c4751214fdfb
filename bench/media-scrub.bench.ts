/**
 * `npm run bench -- media-scrub`: the scrub rows of the media benchmark on their own (the whole
 * media benchmark takes minutes; these take about one). See media-scrub-phase.ts.
 */
import { loadStackConfig } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import type { Benchmark } from './harness.ts';
import { prepareMediaDatabase } from './media-setup.ts';
import { measureScrub } from './media-scrub-phase.ts';

const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);

export const benchmark: Benchmark = {
  name: 'media-scrub',
  description: `scrub HEAD and full passes vs raw HeadObject and GetObject of the same keys (median of ${rounds}), and deletion to restored`,
  async run() {
    await stackUp(loadStackConfig());
    const { database } = await prepareMediaDatabase();
    try {
      return await measureScrub(database, rounds);
    } finally {
      await database.close();
    }
  },
};
