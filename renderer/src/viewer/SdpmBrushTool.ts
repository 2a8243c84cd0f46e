/**
 * Cornerstone's BrushTool, minus one whole-volume scan per click.
 *
 * A click (mouse-down + up without a drag) ends in `acceptPreview`, whose strategy callback visits every voxel
 * of the labelmap to turn preview voxels into the segment (Cornerstone 5.x, compositions/preview.js). This app
 * never uses brush previews (`configuration.preview.enabled` stays false, so `previewSegmentIndex` is null) and
 * no segment-centre rule, so that scan finds nothing to change; on the demo grid (512x512x56) it cost ~0.7 s of
 * the page thread after every click, delaying the next stroke and the panel. When there is nothing to accept,
 * this does what acceptPreview does after the scan (commit the undo memo, clear the preview state); otherwise it
 * is Cornerstone's own. The fill itself already fired the labelmap-modified event (BrushStrategy.fill).
 * Registered under BrushTool's name, so the tool instances (Brush2D, Eraser3D, ...) are unchanged.
 */
import { BrushTool } from '@cornerstonejs/tools';

/** True when acceptPreview's voxel scan cannot change anything: no preview segment, no segment-centre changes. */
export function previewHasNothingToAccept(previewSegmentIndex: number | null | undefined, centreChangedIndices: readonly number[] | undefined): boolean {
  return (previewSegmentIndex === null || previewSegmentIndex === undefined) && (centreChangedIndices?.length ?? 0) === 0;
}

export class SdpmBrushTool extends BrushTool {
  override acceptPreview(element: HTMLDivElement | undefined = this._previewData.element as HTMLDivElement | undefined): void {
    if (element === undefined || element === null) return;
    const op = this.getOperationData(element);
    if (op === undefined || !previewHasNothingToAccept(op.previewSegmentIndex, this.centerSegmentIndexInfo?.changedIndices)) {
      super.acceptPreview(element);
      return;
    }
    if (this.memo?.id !== undefined) this.acceptedMemoIds.set(this.memo.id, { element, segmentIndex: op.segmentIndex });
    this.doneEditMemo();
    this._previewData.preview = null;
    this._previewData.isDrag = false;
  }
}
