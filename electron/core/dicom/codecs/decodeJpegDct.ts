/**
 * DCT JPEG: baseline, extended 12-bit (Process 2 & 4), spectral selection and full progression
 * (Processes 6-12, retired), ITU T.81, via the vendored pdf.js-derived decoder in ./vendor (see its
 * header for origin and licence). Lossy by nature: the output matches the encoder's input only to within
 * the quantisation error. No YCbCr->RGB transform is applied (DICOM states the photometric interpretation).
 */
import JpegImage from './vendor/jpegImage.js';
import type { DecodedSamples } from './decodeCompressedFrame';

export function decodeJpegDct(frame: Uint8Array): DecodedSamples {
  const jpeg = new JpegImage();
  try {
    jpeg.parse(frame);
  } catch (err) {
    // The decoder throws strings.
    throw err instanceof Error ? err : new Error(String(err));
  }
  jpeg.colorTransform = false;
  const components = jpeg.components.length;
  const precision = readPrecision(frame);
  const samples = precision > 8 ? jpeg.getData16(jpeg.width, jpeg.height) : jpeg.getData(jpeg.width, jpeg.height);
  return { samples, width: jpeg.width, height: jpeg.height, components, precision };
}

/** Sample precision P from the first SOFn marker segment (T.81 B.2.2); markers may be preceded by fill bytes. */
function readPrecision(bytes: Uint8Array): number {
  let i = 2;
  while (i + 4 < bytes.length) {
    if (bytes[i] !== 0xff) break;
    const marker = bytes[i + 1] ?? 0;
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return bytes[i + 4] ?? 0;
    i += 2 + (((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0));
  }
  throw new Error('no SOF marker segment found before the scan data');
}
