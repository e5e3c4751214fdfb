/**
 * Previews of an image: upright, every byte of metadata gone (EXIF GPS of a photo taken at home is
 * the customer's address), WebP at each variant width, never wider than the original.
 */
import sharp, { type Sharp } from 'sharp';
import { VARIANT_NAMES, VARIANT_WIDTHS, type MediaContentType, type VariantName } from '@chucar/domain';
import { heifOrientsItself } from './heif-container.ts';
import { applyOrientation, readExifOrientation } from './image-orientation.ts';

/** The bytes cannot be made into a preview: the media stays stored, its variants are `failed`. */
export class ImageUnusableError extends Error {
  override readonly name = 'ImageUnusableError';
}

export interface VariantImage {
  name: VariantName;
  bytes: Buffer;
  width: number;
  height: number;
}

export interface RenderedImage {
  /** The original's upright size. */
  width: number;
  height: number;
  variants: VariantImage[];
}

export interface RenderOptions {
  /** Images with more pixels are refused before decoding (decompression bombs). */
  maxPixels: number;
  webpQuality?: number;
}

const heifTypes: readonly MediaContentType[] = ['image/heic', 'image/heif'];

export async function renderVariants(original: Buffer, contentType: MediaContentType, options: RenderOptions): Promise<RenderedImage> {
  try {
    const source = heifTypes.includes(contentType) ? await uprightHeif(original, options.maxPixels) : await uprightBySharp(original, options.maxPixels);
    const variants = await Promise.all(VARIANT_NAMES.map((name) => renderVariant(source.open(), name, options.webpQuality ?? 80)));
    return { width: source.width, height: source.height, variants };
  } catch (error) {
    if (error instanceof ImageUnusableError) throw error;
    throw new ImageUnusableError(`cannot make previews of this ${contentType}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

interface UprightSource {
  width: number;
  height: number;
  /** A fresh pipeline over the upright pixels, one per variant. */
  open(): Sharp;
}

async function uprightBySharp(original: Buffer, maxPixels: number): Promise<UprightSource> {
  // 'error' rather than the default 'warning': phones write JPEGs with harmless warnings, and a
  // preview of them is still right; truly broken data still fails.
  const open = () => sharp(original, { limitInputPixels: maxPixels, failOn: 'error' }).rotate();
  const metadata = await sharp(original, { limitInputPixels: maxPixels }).metadata();
  return { width: metadata.autoOrient.width, height: metadata.autoOrient.height, open };
}

/** Prebuilt sharp has no HEVC decoder: heic-decode (libheif as WASM) gives the pixels, sharp does the rest. */
async function uprightHeif(original: Buffer, maxPixels: number): Promise<UprightSource> {
  // sharp reads the HEIF header (size, EXIF) without decoding, so a bomb is refused before any pixel exists.
  const header = await sharp(original).metadata();
  if (header.width * header.height > maxPixels) throw new ImageUnusableError(`${header.width}x${header.height} exceeds ${maxPixels} pixels`);
  // Loaded on the first HEIC: libheif's WASM build adds about 20 MiB of RSS to a worker that may never see one.
  const { default: decodeHeic } = await import('heic-decode');
  const decoded = await decodeHeic({ buffer: original });
  const orientation = heifOrientsItself(original) ? 1 : (readExifOrientation(header.exif) ?? 1);
  const rgba = Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
  const upright = await applyOrientation(sharp(rgba, { raw: { width: decoded.width, height: decoded.height, channels: 4 } }), orientation)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = upright.info;
  return { width, height, open: () => sharp(upright.data, { raw: { width, height, channels } }) };
}

async function renderVariant(upright: Sharp, name: VariantName, quality: number): Promise<VariantImage> {
  // sharp writes no metadata unless asked (keepExif/keepIccProfile/withMetadata): EXIF, XMP, IPTC and ICC are all dropped.
  const { data, info } = await upright.resize({ width: VARIANT_WIDTHS[name], withoutEnlargement: true }).webp({ quality }).toBuffer({ resolveWithObject: true });
  return { name, bytes: data, width: info.width, height: info.height };
}
