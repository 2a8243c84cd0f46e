/**
 * Which voxels form one lesion: 26-connectivity (faces, edges and corners) on the study grid, everywhere
 * (engine, report, app, SEG segments, review regions). On thick axial slices a lesion's border steps from slice
 * to slice diagonally; with 6-connectivity one haematoma or a crescent-shaped subdural falls apart into many
 * "lesions" that each get their own row, interval and SEG segment.
 */
export type Connectivity = 6 | 18 | 26;

export const LESION_CONNECTIVITY: Connectivity = 26;
