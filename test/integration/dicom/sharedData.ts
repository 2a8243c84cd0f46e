/** Paths of the shared real-data test set (read in place, never copied into the repository). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const sharedDicom = (...parts: string[]): string => resolve(repoRoot, '../shared/data/dicom', ...parts);
export const hasSharedData = existsSync(sharedDicom('ge-head-ncct')) && existsSync(sharedDicom('reference-nifti'));
export const skipWithoutData = hasSharedData ? false : `shared test data not found at ${sharedDicom()}`;
