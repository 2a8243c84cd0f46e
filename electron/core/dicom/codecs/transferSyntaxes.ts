/**
 * The transfer syntaxes the loader may meet (DICOM PS3.6 Annex A), with the codec that decodes each.
 * `codec: 'none'` marks a syntax that is recognised (so the refusal can name it) but not decoded.
 */
export type CodecKind =
  | 'native-le' // uncompressed little endian (implicit or explicit VR, deflated after inflation)
  | 'native-be' // uncompressed explicit VR big endian (retired), 16-bit words byte-swapped
  | 'rle' // RLE Lossless, PS3.5 Annex G
  | 'jpeg-lossless' // JPEG Process 14 (any predictor, and SV1)
  | 'jpeg-ls' // JPEG-LS lossless and near-lossless (CharLS)
  | 'jpeg2000' // JPEG 2000 reversible and irreversible, and HTJ2K (OpenJPEG)
  | 'jpeg-8bit' // baseline DCT JPEG, 8-bit (libjpeg-turbo)
  | 'jpeg-dct' // extended/progressive DCT JPEG, 8 or 12 bit (vendored pdf.js decoder)
  | 'none';

export interface TransferSyntaxEntry {
  name: string;
  lossy: boolean;
  codec: CodecKind;
  /** Pixel data is encapsulated in fragments (PS3.5 A.4). */
  encapsulated: boolean;
}

const native = (name: string, codec: CodecKind = 'native-le'): TransferSyntaxEntry => ({ name, lossy: false, codec, encapsulated: false });
const encaps = (name: string, lossy: boolean, codec: CodecKind): TransferSyntaxEntry => ({ name, lossy, codec, encapsulated: true });

export const TRANSFER_SYNTAXES: Readonly<Record<string, TransferSyntaxEntry>> = {
  '1.2.840.10008.1.2': native('Implicit VR Little Endian'),
  '1.2.840.10008.1.2.1': native('Explicit VR Little Endian'),
  '1.2.840.10008.1.2.1.99': native('Deflated Explicit VR Little Endian'),
  '1.2.840.10008.1.2.2': native('Explicit VR Big Endian (retired)', 'native-be'),
  '1.2.840.10008.1.2.5': encaps('RLE Lossless', false, 'rle'),
  '1.2.840.10008.1.2.4.50': encaps('JPEG Baseline (Process 1), 8-bit lossy', true, 'jpeg-8bit'),
  '1.2.840.10008.1.2.4.51': encaps('JPEG Extended (Process 2 & 4), 12-bit lossy', true, 'jpeg-dct'),
  '1.2.840.10008.1.2.4.53': encaps('JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8, retired), lossy', true, 'jpeg-dct'),
  '1.2.840.10008.1.2.4.55': encaps('JPEG Full Progression, Non-Hierarchical (Process 10 & 12, retired), lossy', true, 'jpeg-dct'),
  '1.2.840.10008.1.2.4.57': encaps('JPEG Lossless, Non-Hierarchical (Process 14)', false, 'jpeg-lossless'),
  '1.2.840.10008.1.2.4.70': encaps('JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)', false, 'jpeg-lossless'),
  '1.2.840.10008.1.2.4.80': encaps('JPEG-LS Lossless', false, 'jpeg-ls'),
  '1.2.840.10008.1.2.4.81': encaps('JPEG-LS Lossy (Near-Lossless)', true, 'jpeg-ls'),
  '1.2.840.10008.1.2.4.90': encaps('JPEG 2000 Image Compression (Lossless Only)', false, 'jpeg2000'),
  '1.2.840.10008.1.2.4.91': encaps('JPEG 2000 Image Compression', true, 'jpeg2000'),
  // HTJ2K (JPEG 2000 Part 15): OpenJPEG >= 2.5, which the OpenJPEG codec build is, decodes HT code-blocks.
  '1.2.840.10008.1.2.4.201': encaps('High-Throughput JPEG 2000 Image Compression (Lossless Only)', false, 'jpeg2000'),
  '1.2.840.10008.1.2.4.202': encaps('High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)', false, 'jpeg2000'),
  '1.2.840.10008.1.2.4.203': encaps('High-Throughput JPEG 2000 Image Compression', true, 'jpeg2000'),
  // Recognised so that the refusal names them; no codec in this project decodes them yet.
  '1.2.840.10008.1.2.4.100': encaps('MPEG2 Main Profile / Main Level (video)', true, 'none'),
  '1.2.840.10008.1.2.4.101': encaps('MPEG2 Main Profile / High Level (video)', true, 'none'),
  '1.2.840.10008.1.2.4.102': encaps('MPEG-4 AVC/H.264 High Profile (video)', true, 'none'),
  '1.2.840.10008.1.2.4.103': encaps('MPEG-4 AVC/H.264 BD-compatible High Profile (video)', true, 'none'),
  '1.2.840.10008.1.2.4.104': encaps('MPEG-4 AVC/H.264 High Profile for 2D Video', true, 'none'),
  '1.2.840.10008.1.2.4.105': encaps('MPEG-4 AVC/H.264 High Profile for 3D Video', true, 'none'),
  '1.2.840.10008.1.2.4.106': encaps('MPEG-4 AVC/H.264 Stereo High Profile (video)', true, 'none'),
  '1.2.840.10008.1.2.4.107': encaps('HEVC/H.265 Main Profile (video)', true, 'none'),
  '1.2.840.10008.1.2.4.108': encaps('HEVC/H.265 Main 10 Profile (video)', true, 'none'),
  '1.2.840.10008.1.2.4.94': encaps('JPIP Referenced (pixel data not in the file)', false, 'none'),
  '1.2.840.10008.1.2.4.95': encaps('JPIP Referenced Deflate (pixel data not in the file)', false, 'none'),
  '1.2.840.10008.1.2.4.110': encaps('JPEG XL Lossless', false, 'none'),
  '1.2.840.10008.1.2.4.111': encaps('JPEG XL JPEG Recompression', true, 'none'),
  '1.2.840.10008.1.2.4.112': encaps('JPEG XL', true, 'none'),
  '1.2.840.10008.1.2.4.92': encaps('JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)', false, 'none'),
  '1.2.840.10008.1.2.4.93': encaps('JPEG 2000 Part 2 Multi-component Image Compression', true, 'none'),
};
