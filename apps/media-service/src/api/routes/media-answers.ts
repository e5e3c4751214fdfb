/** The media routes' answers, built from the domain's records; their schemas are the shared contract. */
import type { AcceptedMedia, MediaView } from '@chucar/contracts';
import type { Media, MediaForViewer } from '@chucar/domain';
import type { UrlSigner } from '../signed-reads/signed-urls.ts';

export function acceptedMedia(media: Media): AcceptedMedia {
  const { id, status, sizeBytes, sha256, contentType, kind, createdAt } = media;
  return { id, status, sizeBytes, sha256, contentType, kind, createdAt };
}

/** The original is in S3 only once stored; before that there is nothing to sign. */
export async function mediaView({ media, originalVisible, variants }: MediaForViewer, signer: UrlSigner): Promise<MediaView> {
  const now = new Date();
  return {
    id: media.id,
    ownerId: media.ownerId,
    status: media.status,
    kind: media.kind,
    contentType: media.contentType,
    sizeBytes: media.sizeBytes,
    sha256: media.sha256,
    width: media.width,
    height: media.height,
    createdAt: media.createdAt,
    storedAt: media.storedAt,
    variantsStatus: media.variantsStatus,
    original: originalVisible && media.status === 'stored' ? await signer.signGet(media.originalKey, now) : null,
    variants: await Promise.all(
      variants.map(async (variant) => ({ name: variant.name, width: variant.width, height: variant.height, ...(await signer.signGet(variant.objectKey, now)) })),
    ),
  };
}
