/** Types for the vendored DCT JPEG decoder (jpegImage.js). Only the members the codecs use. */
declare class JpegImage {
  constructor();
  /** Parses a whole JPEG stream (SOI..EOI). Throws a string on malformed input. */
  parse(data: Uint8Array): void;
  width: number;
  height: number;
  components: unknown[];
  /** Set to false for DICOM: no YCbCr->RGB conversion. */
  colorTransform?: boolean;
  /** One-component images of precision > 8 bits, row-major. */
  getData16(width: number, height: number): Uint16Array;
  getData(width: number, height: number): Uint8Array;
}
export default JpegImage;
