/**
 * Owns the Cornerstone3D rendering engine, the three orthogonal volume viewports (axial, coronal,
 * sagittal, crosshair-synced), the tool group, the lesion labelmap and the uncertainty overlay.
 * Cornerstone is the single owner of the labelmap voxels: this class reads and writes them through
 * the volume's voxel manager and never keeps its own copy.
 */
import { cache, Enums as CoreEnums, eventTarget, metaData, RenderingEngine, setVolumesForViewports, utilities as csUtils, volumeLoader, type Types } from '@cornerstonejs/core';
import {
  BrushTool,
  CrosshairsTool,
  Enums as ToolEnums,
  LabelMapEditWithContourTool,
  PanTool,
  segmentation,
  StackScrollTool,
  ToolGroupManager,
  utilities as toolUtils,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import type { Response } from '../../../electron/ipc/contract';
import { windowToRange } from './windowPresets';
import { createLabelmapMemo } from '../segmentation/labelmapMemo';

export type ViewportName = 'axial' | 'coronal' | 'sagittal';
export const VIEWPORTS: readonly ViewportName[] = ['axial', 'coronal', 'sagittal'];
export type EditMode = 'navigate' | 'brush' | 'eraser' | 'threshold' | 'fill' | 'contour';

const ENGINE_ID = 'sdpm-engine';
const TOOL_GROUP_ID = 'sdpm-tools';
const SEGMENTATION_ID = 'sdpm-lesions';
const UNCERTAINTY_SEGMENTATION_ID = 'sdpm-uncertainty';
const UNCERTAINTY_LEVELS = 8;
/** Fraction of the run's maximum below which uncertainty is not drawn. */
const UNCERTAINTY_MIN = 0.1;

/** Yellow (low) to red (high), one RGBA per bin; index 0 transparent. */
function uncertaintyColorLut(): Types.ColorLUT {
  const lut: Types.ColorLUT = [[0, 0, 0, 0]];
  for (let b = 1; b <= UNCERTAINTY_LEVELS; b++) {
    const t = (b - 1) / (UNCERTAINTY_LEVELS - 1);
    lut.push([255, Math.round(230 * (1 - t)), 0, 255]);
  }
  return lut;
}
/**
 * Each view is the plane of the volume's own grid nearest to axial, coronal or sagittal (Cornerstone's
 * *_REFORMAT orientations snap to the volume's direction axes when the volume is set). On a gantry-tilted
 * head CT the "axial" view is then the acquired (tilted) plane, as readers see it on the scanner and in
 * PACS, and every edit stays on the voxel grid: a 2-D brush paints one slice k, one scroll step is one
 * slice, and interpolation between slices works on the slices the reader drew. A true world-axial view
 * cut obliquely through the grid, so a 2-D stroke touched two slices. Untilted volumes look the same.
 */
const ORIENTATION: Record<ViewportName, CoreEnums.OrientationAxis> = {
  axial: CoreEnums.OrientationAxis.AXIAL_REFORMAT,
  coronal: CoreEnums.OrientationAxis.CORONAL_REFORMAT,
  sagittal: CoreEnums.OrientationAxis.SAGITTAL_REFORMAT,
};
/**
 * Cornerstone tools behind the modes. 'fill' is ours (see onFillClick): Cornerstone's PaintFillTool wrote
 * no undo record, flooded the whole slice when clicked beside a lesion, and refused oblique planes.
 */
const MODE_TOOL: Record<Exclude<EditMode, 'navigate' | 'fill'>, { d2: string; d3: string }> = {
  brush: { d2: 'Brush2D', d3: 'Brush3D' },
  eraser: { d2: 'Eraser2D', d3: 'Eraser3D' },
  threshold: { d2: 'Threshold2D', d3: 'Threshold3D' },
  contour: { d2: LabelMapEditWithContourTool.toolName, d3: LabelMapEditWithContourTool.toolName },
};

/** A click in fill mode: the voxel (ijk, rounded) and the voxel axis normal to the clicked view. */
export type FillClick = (ijk: [number, number, number], axis: 0 | 1 | 2) => void;

export interface SliceInfo {
  viewport: ViewportName;
  /** 1-based slice number along the viewport's normal, and the count. */
  slice: number;
  nSlices: number;
  /** Position of the slice plane along its normal (mm, LPS dot normal). */
  positionMm: number;
}

type VolumeInfo = Response<'study:load'>;

/**
 * Our volumes are built from voxels (createLocalVolume), so their image ids have no image loader; without
 * a VOI in the metadata Cornerstone would try to load the middle slice to guess one. This provider answers
 * for our ids only: CT opens in the brain window, the uncertainty map spans 0..0.5.
 */
let metadataProviderAdded = false;
function addMetadataProvider(): void {
  if (metadataProviderAdded) return;
  metaData.addProvider((type: string, imageId: unknown) => {
    if (typeof imageId !== 'string') return undefined;
    const isCt = imageId.startsWith('sdpm-ct-');
    const isUnc = imageId.startsWith('sdpm-unc-');
    if (!isCt && !isUnc) return undefined;
    if (type === 'voiLutModule') return isCt ? { windowCenter: 40, windowWidth: 80 } : { windowCenter: 0.25, windowWidth: 0.5 };
    if (type === 'generalSeriesModule') return { modality: isCt ? 'CT' : 'OT' };
    return undefined;
  }, 10000);
  metadataProviderAdded = true;
}

export class ViewerController {
  private readonly engine: RenderingEngine;
  private readonly elements: Record<ViewportName, HTMLDivElement>;
  private ctVolumeId: string | null = null;
  private labelmapVolumeId: string | null = null;
  private uncertaintyVolumeId: string | null = null;
  private uncertaintyOpacity = 0.5;
  private mode: EditMode = 'navigate';
  private brush3d = false;
  private readonly cleanups: Array<() => void> = [];

  constructor(elements: Record<ViewportName, HTMLDivElement>) {
    this.elements = elements;
    addMetadataProvider();
    this.engine = new RenderingEngine(ENGINE_ID);
    this.engine.setViewports(
      VIEWPORTS.map((name) => ({
        viewportId: name,
        type: CoreEnums.ViewportType.ORTHOGRAPHIC,
        element: elements[name],
        defaultOptions: { orientation: ORIENTATION[name], background: [0, 0, 0] as Types.Point3 },
      })),
    );
    this.setUpTools();
    for (const name of VIEWPORTS) {
      const onClick = (e: MouseEvent) => this.fillClick(name, e);
      elements[name].addEventListener('click', onClick);
      this.cleanups.push(() => elements[name].removeEventListener('click', onClick));
    }
  }

  private fillHandler: FillClick | null = null;

  /** Where clicks in fill mode go (the editing state decides what to fill and journals it). */
  onFillClick(handler: FillClick | null): void {
    this.fillHandler = handler;
  }

  private fillClick(name: ViewportName, e: MouseEvent): void {
    if (this.mode !== 'fill' || this.fillHandler === null || this.labelmapVolumeId === null) return;
    const vol = cache.getVolume(this.labelmapVolumeId);
    if (vol === undefined) return;
    const vp = this.viewport(name);
    const rect = this.elements[name].getBoundingClientRect();
    const world = vp.canvasToWorld([e.clientX - rect.left, e.clientY - rect.top]);
    const ijk = csUtils.transformWorldToIndex(vol.imageData, world).map(Math.round) as [number, number, number];
    // The voxel axis most parallel to the view normal (views lie on grid planes, see ORIENTATION).
    const n = vp.getCamera().viewPlaneNormal ?? [0, 0, 1];
    const d = vol.direction;
    const dots = [0, 1, 2].map((a) => Math.abs(n[0] * d[3 * a]! + n[1] * d[3 * a + 1]! + n[2] * d[3 * a + 2]!));
    const axis = dots.indexOf(Math.max(...dots)) as 0 | 1 | 2;
    this.fillHandler(ijk, axis);
  }

  private toolGroup() {
    const tg = ToolGroupManager.getToolGroup(TOOL_GROUP_ID);
    if (tg === undefined) throw new Error('tool group missing');
    return tg;
  }

  private setUpTools(): void {
    ToolGroupManager.destroyToolGroup(TOOL_GROUP_ID);
    const tg = ToolGroupManager.createToolGroup(TOOL_GROUP_ID);
    if (tg === undefined) throw new Error('could not create the tool group');
    tg.addTool(WindowLevelTool.toolName);
    tg.addTool(PanTool.toolName);
    tg.addTool(ZoomTool.toolName);
    tg.addTool(StackScrollTool.toolName);
    tg.addTool(CrosshairsTool.toolName, { getReferenceLineColor: () => 'rgb(255, 200, 0)' });
    tg.addToolInstance('Brush2D', BrushTool.toolName, { activeStrategy: 'FILL_INSIDE_CIRCLE' });
    tg.addToolInstance('Brush3D', BrushTool.toolName, { activeStrategy: 'FILL_INSIDE_SPHERE' });
    tg.addToolInstance('Eraser2D', BrushTool.toolName, { activeStrategy: 'ERASE_INSIDE_CIRCLE' });
    tg.addToolInstance('Eraser3D', BrushTool.toolName, { activeStrategy: 'ERASE_INSIDE_SPHERE' });
    tg.addToolInstance('Threshold2D', BrushTool.toolName, { activeStrategy: 'THRESHOLD_INSIDE_CIRCLE' });
    tg.addToolInstance('Threshold3D', BrushTool.toolName, { activeStrategy: 'THRESHOLD_INSIDE_SPHERE' });
    tg.addTool(LabelMapEditWithContourTool.toolName);
    for (const name of VIEWPORTS) tg.addViewport(name, ENGINE_ID);
    const B = ToolEnums.MouseBindings;
    tg.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: B.Wheel }] });
    tg.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: B.Secondary }] });
    tg.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: B.Auxiliary }] });
    tg.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: B.Primary, modifierKey: ToolEnums.KeyboardBindings.Shift }] });
    this.setMode('navigate');
    this.setBrushRadiusMm(5);
    this.setThresholdRangeHu(45, 90);
  }

  /** Shows the CT volume in the three viewports and creates an empty lesion labelmap on its grid. */
  async loadVolume(info: VolumeInfo, voxels: Int16Array | Float32Array): Promise<void> {
    this.unloadVolume();
    const ctId = `sdpm-ct-${info.volumeId}`;
    const [nx, ny] = info.dimensions as [number, number, number];
    const dir = info.directionLps;
    volumeLoader.createLocalVolume(ctId, {
      scalarData: voxels,
      dimensions: info.dimensions as Types.Point3,
      spacing: info.spacingMm as Types.Point3,
      origin: info.originLps as Types.Point3,
      direction: info.directionLps as Types.Mat3,
      metadata: {
        BitsAllocated: voxels instanceof Int16Array ? 16 : 32,
        BitsStored: voxels instanceof Int16Array ? 16 : 32,
        SamplesPerPixel: 1,
        HighBit: voxels instanceof Int16Array ? 15 : 31,
        PhotometricInterpretation: 'MONOCHROME2',
        PixelRepresentation: 1,
        Modality: 'CT',
        SeriesInstanceUID: info.identity.seriesInstanceUid,
        ImageOrientationPatient: [...dir.slice(0, 3), ...dir.slice(3, 6)],
        PixelSpacing: [info.spacingMm[1] ?? 1, info.spacingMm[0] ?? 1],
        FrameOfReferenceUID: info.identity.frameOfReferenceUid,
        Columns: nx,
        Rows: ny,
        voiLut: [{ windowCenter: 40, windowWidth: 80 }],
        VOILUTFunction: 'LINEAR',
      },
    });
    this.ctVolumeId = ctId;
    await setVolumesForViewports(this.engine, [{ volumeId: ctId }], [...VIEWPORTS]);
    const segVolumeId = `sdpm-seg-${info.volumeId}`;
    volumeLoader.createAndCacheDerivedLabelmapVolume(ctId, { volumeId: segVolumeId });
    this.labelmapVolumeId = segVolumeId;
    segmentation.addSegmentations([
      {
        segmentationId: SEGMENTATION_ID,
        representation: { type: ToolEnums.SegmentationRepresentations.Labelmap, data: { volumeId: segVolumeId } },
        config: { label: 'Lesion', segments: { 1: { label: 'Lesion', active: true } } },
      },
    ]);
    const uncVolumeId = `sdpm-unc-${info.volumeId}`;
    volumeLoader.createAndCacheDerivedLabelmapVolume(ctId, { volumeId: uncVolumeId });
    this.uncertaintyVolumeId = uncVolumeId;
    segmentation.addSegmentations([
      {
        segmentationId: UNCERTAINTY_SEGMENTATION_ID,
        representation: { type: ToolEnums.SegmentationRepresentations.Labelmap, data: { volumeId: uncVolumeId } },
        config: { label: 'Uncertainty', segments: {} },
      },
    ]);
    const lutIndex = segmentation.config.color.addColorLUT(uncertaintyColorLut());
    for (const name of VIEWPORTS) {
      await segmentation.addLabelmapRepresentationToViewport(name, [{ segmentationId: UNCERTAINTY_SEGMENTATION_ID, config: { colorLUTOrIndex: lutIndex } }]);
      await segmentation.addLabelmapRepresentationToViewport(name, [{ segmentationId: SEGMENTATION_ID }]);
      segmentation.activeSegmentation.setActiveSegmentation(name, SEGMENTATION_ID);
    }
    this.applyUncertaintyStyle();
    segmentation.segmentationStyle.setStyle(
      { type: ToolEnums.SegmentationRepresentations.Labelmap },
      { renderOutline: true, renderFill: true, fillAlpha: 0.25, outlineWidth: 2, outlineOpacity: 1 },
    );
    segmentation.segmentIndex.setActiveSegmentIndex(SEGMENTATION_ID, 1);
    this.setWindow(40, 80);
    this.engine.render();
  }

  private unloadVolume(): void {
    if (this.ctVolumeId === null) return;
    segmentation.removeAllSegmentationRepresentations();
    segmentation.removeAllSegmentations();
    for (const id of [this.ctVolumeId, this.labelmapVolumeId, this.uncertaintyVolumeId]) if (id !== null) cache.removeVolumeLoadObject(id);
    this.ctVolumeId = this.labelmapVolumeId = this.uncertaintyVolumeId = null;
  }

  private viewport(name: ViewportName): Types.IVolumeViewport {
    return this.engine.getViewport(name) as Types.IVolumeViewport;
  }

  setWindow(levelHu: number, widthHu: number): void {
    if (this.ctVolumeId === null) return;
    for (const name of VIEWPORTS) this.viewport(name).setProperties({ voiRange: windowToRange(levelHu, widthHu) }, this.ctVolumeId);
    this.engine.render();
  }

  setMode(mode: EditMode): void {
    const tg = this.toolGroup();
    const primary = [{ mouseButton: ToolEnums.MouseBindings.Primary }];
    for (const name of [CrosshairsTool.toolName, ...Object.values(MODE_TOOL).flatMap((t) => [t.d2, t.d3])]) {
      if (tg.getToolOptions(name)?.mode === ToolEnums.ToolModes.Active) tg.setToolPassive(name);
    }
    if (mode === 'navigate') tg.setToolActive(CrosshairsTool.toolName, { bindings: primary });
    else if (mode !== 'fill') tg.setToolActive(this.brush3d ? MODE_TOOL[mode].d3 : MODE_TOOL[mode].d2, { bindings: primary });
    this.mode = mode;
  }

  set3dBrush(on: boolean): void {
    this.brush3d = on;
    this.setMode(this.mode);
  }

  setBrushRadiusMm(radiusMm: number): void {
    toolUtils.segmentation.setBrushSizeForToolGroup(TOOL_GROUP_ID, radiusMm);
  }

  setThresholdRangeHu(lowHu: number, highHu: number): void {
    toolUtils.segmentation.setBrushThresholdForToolGroup(TOOL_GROUP_ID, { range: [lowHu, highHu], isDynamic: false, dynamicRadius: 0 });
  }

  /** A copy of the lesion labelmap (Uint8, one value per CT voxel). */
  getLabelmap(): Uint8Array {
    const vol = this.labelmapVolumeId === null ? undefined : cache.getVolume(this.labelmapVolumeId);
    if (vol === undefined) return new Uint8Array(0);
    const data = vol.voxelManager?.getCompleteScalarDataArray?.();
    if (data === undefined) throw new Error('labelmap has no voxel manager');
    return Uint8Array.from(data);
  }

  /** Replaces the whole labelmap (inference result, threshold change, journal restore). */
  setLabelmap(values: Uint8Array): void {
    const vol = this.labelmapVolumeId === null ? undefined : cache.getVolume(this.labelmapVolumeId);
    if (vol === undefined) return;
    const set = vol.voxelManager?.setCompleteScalarDataArray;
    if (set === undefined) throw new Error('labelmap has no voxel manager');
    set(values);
    segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(SEGMENTATION_ID);
  }

  /**
   * Puts a whole-labelmap operation (hole fill, island removal, interpolation) on Cornerstone's undo
   * stack, beside the brush strokes, so Ctrl+Z undoes the last operation whatever tool made it.
   * Call after the operation was applied with setLabelmap. Returns the number of voxels it changed.
   */
  recordLabelmapChange(before: Uint8Array, after: Uint8Array, operationType: string): number {
    const memo = createLabelmapMemo(before, after, { read: () => this.getLabelmap(), write: (v) => this.setLabelmap(v) }, operationType);
    if (memo === null) return 0;
    csUtils.HistoryMemo.DefaultHistoryMemo.push(memo);
    return memo.nChanged;
  }

  /**
   * Shows the uncertainty map as its own colour-mapped overlay (null hides it). It is drawn as a second,
   * read-only labelmap of UNCERTAINTY_LEVELS bins on a yellow-to-red scale: Cornerstone's labelmap path
   * renders on every viewport orientation, where a fused second volume was not drawn on the axial view.
   * Values below UNCERTAINTY_MIN are transparent. The lesion segmentation stays the active (editable) one.
   */
  async setUncertainty(_info: VolumeInfo, values: Float32Array | null): Promise<void> {
    if (this.uncertaintyVolumeId === null) return;
    const vol = cache.getVolume(this.uncertaintyVolumeId);
    const set = vol?.voxelManager?.setCompleteScalarDataArray;
    if (set === undefined) return;
    const bins = new Uint8Array(values?.length ?? vol?.voxelManager?.getScalarDataLength?.() ?? 0);
    if (values !== null) {
      let max = 0;
      for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
      const scale = max > 0 ? UNCERTAINTY_LEVELS / max : 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        bins[i] = v < UNCERTAINTY_MIN * max ? 0 : Math.min(UNCERTAINTY_LEVELS, Math.max(1, Math.ceil(v * scale)));
      }
    }
    set(bins);
    segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(UNCERTAINTY_SEGMENTATION_ID);
    this.applyUncertaintyStyle();
  }

  setUncertaintyOpacity(opacity: number): void {
    this.uncertaintyOpacity = opacity;
    this.applyUncertaintyStyle();
  }

  private applyUncertaintyStyle(): void {
    const a = this.uncertaintyOpacity;
    segmentation.segmentationStyle.setStyle(
      { type: ToolEnums.SegmentationRepresentations.Labelmap, segmentationId: UNCERTAINTY_SEGMENTATION_ID },
      { renderOutline: false, renderOutlineInactive: false, renderFill: true, renderFillInactive: true, fillAlpha: a, fillAlphaInactive: a },
    );
    this.engine.render();
  }

  /** Centres all three viewports on a voxel (continuous ijk). */
  jumpToWorld(world: [number, number, number]): void {
    for (const name of VIEWPORTS) {
      const vp = this.viewport(name);
      vp.jumpToWorld(world as Types.Point3);
    }
    this.engine.render();
  }

  sliceInfo(name: ViewportName): SliceInfo | null {
    if (this.ctVolumeId === null) return null;
    const vp = this.viewport(name);
    // Camera events fire while the volume is still being attached; there is no slice to report then.
    if (!vp.hasVolumeId(this.ctVolumeId) || vp.getActors().length === 0) return null;
    let info: { numScrollSteps: number; currentStepIndex: number };
    try {
      info = csUtils.getVolumeViewportScrollInfo(vp, this.ctVolumeId);
    } catch (_notReady) {
      return null;
    }
    const cam = vp.getCamera();
    const n = cam.viewPlaneNormal ?? [0, 0, 1];
    const f = cam.focalPoint ?? [0, 0, 0];
    return { viewport: name, slice: info.currentStepIndex + 1, nSlices: info.numScrollSteps + 1, positionMm: f[0] * n[0] + f[1] * n[1] + f[2] * n[2] };
  }

  /** Calls back after a camera change or labelmap change; returns the unsubscribe function. */
  subscribe(onCamera: () => void, onLabelmap: () => void): () => void {
    const cameraEvents = [CoreEnums.Events.CAMERA_MODIFIED, CoreEnums.Events.VOLUME_NEW_IMAGE];
    for (const name of VIEWPORTS) for (const e of cameraEvents) this.elements[name].addEventListener(e, onCamera);
    const segEvent = ToolEnums.Events.SEGMENTATION_DATA_MODIFIED;
    eventTarget.addEventListener(segEvent, onLabelmap);
    return () => {
      for (const name of VIEWPORTS) for (const e of cameraEvents) this.elements[name].removeEventListener(e, onCamera);
      eventTarget.removeEventListener(segEvent, onLabelmap);
    };
  }

  undo(): void {
    csUtils.HistoryMemo.DefaultHistoryMemo.undo();
  }

  redo(): void {
    csUtils.HistoryMemo.DefaultHistoryMemo.redo();
  }

  resize(): void {
    this.engine.resize(true, true);
  }

  destroy(): void {
    for (const c of this.cleanups) c();
    this.unloadVolume();
    ToolGroupManager.destroyToolGroup(TOOL_GROUP_ID);
    this.engine.destroy();
  }
}
