/**
 * Reads the header of one file for discovery: only the first bytes are read from disk (a CT header is
 * a few KB), parsing stops at PixelData, and the file size is checked against the declared pixel data
 * length so truncated files are found without reading them.
 */
import { open } from 'node:fs/promises';
import { SdpmError } from '../errors';
import { PrefixTooShortError, parseDicomFile } from './parseDicomFile';
import { toSdpmError } from './codecs/parseDicomFile';
import { readSliceHeader } from './SliceHeader';
import type { SliceHeader } from './SliceHeader';

const PREFIX_BYTES = 64 * 1024;

async function readBytes(filePath: string, maxBytes: number): Promise<{ bytes: Buffer; fileSize: number }> {
  const fh = await open(filePath, 'r');
  try {
    const { size } = await fh.stat();
    const n = Math.min(size, maxBytes);
    const bytes = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await fh.read(bytes, got, n - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { bytes: got === n ? bytes : bytes.subarray(0, got), fileSize: size };
  } finally {
    await fh.close();
  }
}

/** Throws SdpmError DICOM_NOT_DICOM, DICOM_TRUNCATED or IO_ERROR, naming the file. */
export async function readSliceHeaderFile(filePath: string): Promise<SliceHeader> {
  let read: { bytes: Buffer; fileSize: number };
  try {
    read = await readBytes(filePath, PREFIX_BYTES);
  } catch (err) {
    throw new SdpmError('IO_ERROR', `${filePath}: cannot be read (${err instanceof Error ? err.message : String(err)})`, { path: filePath, cause: err });
  }
  let dataSet;
  try {
    dataSet = parseDicomFile(read.bytes, filePath, { headerOnly: true, isPrefix: read.bytes.length < read.fileSize });
  } catch (err) {
    if (!(err instanceof PrefixTooShortError)) throw err;
    read = await readBytes(filePath, Number.MAX_SAFE_INTEGER);
    dataSet = parseDicomFile(read.bytes, filePath, { headerOnly: true });
  }
  let header: SliceHeader;
  try {
    header = readSliceHeader(dataSet, filePath, read.fileSize);
  } catch (err) {
    // an element whose declared length runs past the data fails only when its value is read
    throw toSdpmError(err, filePath, read.fileSize);
  }
  if (header.pixelDataOffset === null) {
    throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `${filePath}: DICOM object without pixel data (not an image: DICOMDIR, report, presentation state...)`, { path: filePath });
  }
  const declared = header.pixelDataLength ?? 0;
  // Offsets are into the parsed bytes: the file itself, or the inflated data set of a deflated file.
  const available = read.bytes.length === read.fileSize ? dataSet.byteArray.length : read.fileSize;
  if (declared >= 0 && header.pixelDataOffset + declared > available) {
    throw new SdpmError(
      'DICOM_TRUNCATED',
      `${filePath}: file is truncated: pixel data declares ${declared} bytes but the file ends ${available - header.pixelDataOffset} bytes after its start`,
      { path: filePath },
    );
  }
  return header;
}
