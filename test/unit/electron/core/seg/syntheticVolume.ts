/** A small synthetic CT-like Volume (axial, untilted) with source slices for SEG unit tests. */
import type { Volume } from '../../../../../electron/core/dicom/Volume';

export function syntheticVolume(nx = 8, ny = 6, nz = 4, tiltDeg = 0): Volume {
  const th = (tiltDeg * Math.PI) / 180;
  const slices = Array.from({ length: nz }, (_, k) => ({
    sopInstanceUid: `1.2.826.0.1.3680043.10.999.${k + 1}`,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    positionLps: [-10, -20, 30 + 2.5 * k] as const,
    normalPositionMm: (30 + 2.5 * k) * Math.cos(th),
    instanceNumber: k + 1,
    filePath: '',
  }));
  return {
    dimensions: [nx, ny, nz],
    spacingMm: [0.5, 0.6, 2.5],
    originLps: [-10, -20, 30],
    directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    voxels: new Int16Array(nx * ny * nz),
    paddingHu: -1024,
    identity: {
      patientName: 'Test^Patient', patientId: 'P1', patientBirthDate: '19600101', patientSex: 'F',
      studyInstanceUid: '1.2.826.0.1.3680043.10.999.100', studyDate: '20240101', studyTime: '120000', studyDescription: 'CT head',
      accessionNumber: 'A1', seriesInstanceUid: '1.2.826.0.1.3680043.10.999.101', seriesNumber: 2, seriesDescription: 'axial',
      modality: 'CT', frameOfReferenceUid: '1.2.826.0.1.3680043.10.999.102', manufacturer: 'TEST',
    },
    source: { imageOrientationPatient: [1, 0, 0, 0, 1, 0], pixelSpacingMm: [0.6, 0.5], rows: ny, columns: nx, slices },
    corrections: { gantryTiltDeg: 0, tiltCorrected: false, resampledToEquidistant: false, sliceGapsMm: [2.5], notes: [] },
  };
}
