/**
 * The lesion rules a reader's numbers depend on, written once (ARCHITECTURE.md "lesions/"): probability to mask,
 * connectivity, lesion labelling with stable IDs, reject/restore by ID, lesion kind, voxel volume, index to
 * world, calibrated intervals, plausibility rules and the review queue. Pure TypeScript (no Node built-ins, no
 * DOM): the renderer bundles this entry point with Vite; everything else imports it through electron/core/index.ts.
 */
export * from './probabilityMask';
export * from './connectivity';
export * from './connectedComponents';
export * from './lesionIds';
export * from './measureLesions';
export * from './voxelVolume';
export * from './lesionKind';
export * from './calibratedInterval';
export * from './detectionByKind';
export { ijkToLps, lpsToIjk, type Vec3, type VolumeGeometry } from '../dicom/Volume';
export * from './reviewQueue';
export * from './plausibility';
export * from './sourceGrid';
export * from './liveTotal';
