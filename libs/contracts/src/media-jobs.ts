/**
 * The media queue's jobs, as the media API and the CLIs produce them and the worker consumes them
 * (separate processes): the queue's name, each job name with the schema of its data, and the check
 * the worker runs on data read back from Redis, which comes untyped.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { MediaId } from './media.ts';

export const MEDIA_QUEUE_NAME = 'media';

/** Every job name, for the worker's start-up check that each has a processor. */
export const MEDIA_JOB_NAMES = ['store', 'variants', 'reconcile', 'scrub', 'purge'] as const;
export type MediaJobName = (typeof MEDIA_JOB_NAMES)[number];

/** Which scrub work a `scrub` job does: the HEAD pass, the full re-read, the mirror's catch-up. */
export const SCRUB_JOB_PASSES = ['head', 'full', 'catch-up'] as const;
export type ScrubJobPass = (typeof SCRUB_JOB_PASSES)[number];

/** Work on one media row; `requestId` carries the gateway's request id into the job's logs. */
export const PerMediaJobData = Type.Object({ mediaId: MediaId, requestId: Type.Optional(Type.String({ minLength: 1 })) });
export type MediaJobData = Static<typeof PerMediaJobData>;

const ScrubJobData = Type.Object({ pass: Type.Union(SCRUB_JOB_PASSES.map((pass) => Type.Literal(pass))) });
/** Jobs about the whole store carry nothing. */
const NoJobData = Type.Object({}, { additionalProperties: false });

export const MEDIA_JOB_DATA = {
  store: PerMediaJobData,
  variants: PerMediaJobData,
  reconcile: NoJobData,
  scrub: ScrubJobData,
  purge: NoJobData,
} as const satisfies Record<MediaJobName, TSchema>;

export type MediaJobDataOf<N extends MediaJobName> = Static<(typeof MEDIA_JOB_DATA)[N]>;
export type MediaJob = { [N in MediaJobName]: { name: N; data: MediaJobDataOf<N> } }[MediaJobName];
/** The jobs that act on one media row, hence have one job id per row. */
export const PER_MEDIA_JOB_NAMES = ['store', 'variants'] as const satisfies readonly MediaJobName[];
export type PerMediaJobName = (typeof PER_MEDIA_JOB_NAMES)[number];

export function isMediaJobName(name: unknown): name is MediaJobName {
  return typeof name === 'string' && (MEDIA_JOB_NAMES as readonly string[]).includes(name);
}

export function isMediaJobData<N extends MediaJobName>(name: N, data: unknown): data is MediaJobDataOf<N> {
  return Value.Check(MEDIA_JOB_DATA[name], data);
}

/** Why `data` is not what a `name` job carries, in one line (the first problem found); null when it is. */
export function mediaJobDataIssue(name: MediaJobName, data: unknown): string | null {
  const [first] = Value.Errors(MEDIA_JOB_DATA[name], data);
  return first ? `${first.instancePath || 'data'} ${first.message}` : null;
}
