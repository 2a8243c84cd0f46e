/** One preprocessed axial slice on the model grid (S×S, row-major, i fastest). */
export interface SliceInput {
  /** k index of the slice in the volume (keys the noise streams). */
  sliceIndex: number;
  /** normalised image in [-1, 1] */
  x0n: Float32Array;
  /** intensity mask m = (x0n > -1) as 0/1 */
  m: Float32Array;
}
