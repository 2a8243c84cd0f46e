import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupSlices } from '../../../../../electron/core/dicom/groupSlices';
import type { SliceHeader } from '../../../../../electron/core/dicom/SliceHeader';

function header(over: Partial<SliceHeader> & { z: number }): SliceHeader {
  const { z, ...rest } = over;
  return {
    filePath: `/f/${z}`, fileSizeBytes: 1000, transferSyntaxUid: '1.2.840.10008.1.2.1', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: `1.${z}`,
    studyInstanceUid: '1', seriesInstanceUid: '1.2', seriesNumber: 1, seriesDescription: '', modality: 'CT', manufacturer: '', imageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    instanceNumber: null, acquisitionNumber: 1, imagePositionPatient: [0, 0, z], imageOrientationPatient: [1, 0, 0, 0, 1, 0], pixelSpacingMm: [0.5, 0.5],
    sliceThicknessMm: null, gantryDetectorTiltDeg: null, rows: 512, columns: 512, numberOfFrames: 1, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16,
    pixelRepresentation: 1, photometricInterpretation: 'MONOCHROME2', rescaleSlope: 1, rescaleIntercept: 0, pixelPaddingValue: null, pixelPaddingRangeLimit: null,
    frameOfReferenceUid: '', patientName: '', patientId: '', patientBirthDate: '', patientSex: '', studyDate: '', studyTime: '', studyDescription: '', accessionNumber: '',
    pixelDataOffset: 100, pixelDataLength: 512 * 512 * 2,
    ...rest,
  };
}

test('one series stays one group even when every slice has its own AcquisitionNumber and vendor ImageType flags differ', () => {
  const g = groupSlices([0, 5, 10, 15].map((z, k) => header({ z, acquisitionNumber: k + 1, imageType: k < 2 ? ['ORIGINAL', 'PRIMARY', 'AXIAL', 'ADD'] : ['ORIGINAL', 'PRIMARY', 'AXIAL'] })));
  assert.equal(g.length, 1);
  assert.equal(g[0]?.splitReason, null);
});

test('different series UIDs, orientations, sizes, pixel spacings and ImageType are split, with the reason', () => {
  const g = groupSlices([
    header({ z: 0 }), header({ z: 5 }),
    header({ z: 0, seriesInstanceUid: '9.9' }),
    header({ z: 1, imageOrientationPatient: [0, 1, 0, 0, 0, -1] }),
    header({ z: 2, rows: 256, columns: 256 }), header({ z: 3, rows: 256, columns: 256 }),
    header({ z: 4, pixelSpacingMm: [0.7, 0.7] }),
    header({ z: 6, imageType: ['DERIVED', 'SECONDARY', 'AXIAL'] }),
  ]);
  const reasons = g.map((x) => `${x.seriesInstanceUid}:${x.slices.length}:${x.splitReason ?? '-'}`);
  assert.ok(reasons.includes('9.9:1:-'));
  assert.ok(reasons.includes('1.2:2:main part; other slices of this series differ in orientation, size, pixel spacing, image type'), reasons.join('\n'));
  assert.ok(reasons.includes('1.2:1:orientation differs from the rest of the series'));
  assert.ok(reasons.includes('1.2:2:size differs from the rest of the series'));
  assert.ok(reasons.some((r) => r.startsWith('1.2:1:') && r.includes('pixel spacing')));
  assert.ok(reasons.some((r) => r.startsWith('1.2:1:') && r.includes('image type')));
});

test('acquisitions are split only when they repeat positions', () => {
  const rescan = groupSlices([0, 5, 10].flatMap((z) => [header({ z, acquisitionNumber: 1 }), header({ z, acquisitionNumber: 2 })]));
  assert.deepEqual(rescan.map((x) => x.slices.map((s) => s.acquisitionNumber)), [[1, 1, 1], [2, 2, 2]]);
  const dupWithinAcq = groupSlices([header({ z: 0 }), header({ z: 0 }), header({ z: 5 })]);
  assert.equal(dupWithinAcq.length, 1, 'true duplicates stay together; the loader decides on them');
});
