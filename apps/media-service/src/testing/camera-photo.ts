import sharp from 'sharp';

/**
 * A camera-like JPEG: EXIF with the maker and GPS position (IFD3), XMP repeating the position, and
 * an ICC profile; noise (unless turned off) so that it compresses like a photo rather than a flat colour.
 */
export async function cameraPhoto(width: number, height: number, options: { quality?: number; seed?: number; noise?: boolean } = {}): Promise<Buffer> {
  const noise = options.noise === false ? {} : { noise: { type: 'gaussian' as const, mean: 128, sigma: 40 } };
  return sharp({ create: { width, height, channels: 3, background: { r: 120, g: 140, b: (options.seed ?? 160) % 256 }, ...noise } })
    .jpeg({ quality: options.quality ?? 90 })
    .withExif({ IFD0: { Make: 'TestCam', Model: 'T-1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 5000/100', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 3000/100' } })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="37,33.8N"/></rdf:RDF></x:xmpmeta>')
    .withIccProfile('p3')
    .toBuffer();
}
