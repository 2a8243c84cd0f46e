/**
 * Reads the Image Pixel module attributes `decodeFrame` needs (PS3.3 C.7.6.3) from a parsed data set.
 * Throws SdpmError DICOM_MISSING_ATTRIBUTE (file and attribute named) when Rows, Columns, BitsAllocated
 * or PixelRepresentation is absent or out of range; BitsStored defaults to BitsAllocated,
 * SamplesPerPixel to 1, NumberOfFrames to 1.
 */
import type { DataSet } from 'dicom-parser';
import { SdpmError } from '../../errors';
import type { FrameInfo } from './decodeFrame';
import { toSdpmError, transferSyntaxOf } from './parseDicomFile';

export function readFrameInfo(dataSet: DataSet, filePath: string): FrameInfo {
  try {
    return readFrameInfoUnguarded(dataSet, filePath);
  } catch (err) {
    throw toSdpmError(err, filePath, dataSet.byteArray.byteLength);
  }
}

function readFrameInfoUnguarded(dataSet: DataSet, filePath: string): FrameInfo {
  const required = (tag: string, name: string): number => {
    const v = dataSet.uint16(tag);
    if (v === undefined || v === 0) {
      throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `${filePath}: ${name} (${tag.slice(1, 5).toUpperCase()},${tag.slice(5).toUpperCase()}) is missing or zero`, { path: filePath });
    }
    return v;
  };
  const rows = required('x00280010', 'Rows');
  const columns = required('x00280011', 'Columns');
  const bitsAllocated = required('x00280100', 'BitsAllocated');
  const pr = dataSet.uint16('x00280103');
  if (pr !== 0 && pr !== 1) {
    throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `${filePath}: PixelRepresentation (0028,0103) is ${pr ?? 'missing'}, expected 0 or 1`, { path: filePath });
  }
  const frames = dataSet.intString('x00280008');
  const info: FrameInfo = {
    transferSyntaxUid: transferSyntaxOf(dataSet),
    rows,
    columns,
    bitsAllocated,
    bitsStored: dataSet.uint16('x00280101') ?? bitsAllocated,
    pixelRepresentation: pr,
    samplesPerPixel: dataSet.uint16('x00280002') ?? 1,
    photometricInterpretation: dataSet.string('x00280004') ?? 'MONOCHROME2',
    filePath,
    numberOfFrames: frames !== undefined && Number.isInteger(frames) && frames > 0 ? frames : 1,
  };
  if (dataSet.uint16('x00280006') === 1) info.planarConfiguration = 1;
  return info;
}
