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
import { binUncertainty, UNCERTAINTY_COLOURS } from './uncertaintyScale';
import { orientationMarkers, type OrientationMarkers } from './orientationMarkers';
import { dicomSlicePositionMm, headBoxIjk, headFit } from './viewGeometry';
import { ijkToWorld } from './volumeGeometry';

export type ViewportName = 'axial' | 'coronal' | 'sagittal';
export const VIEWPORTS: readonly ViewportName[] = ['axial', 'coronal', 'sagittal'];
export type EditMode = 'navigate' | 'brush' | 'eraser' | 'threshold' | 'fill' | 'contour';

const ENGINE_ID = 'sdpm-engine';
const TOOL_GROUP_ID = 'sdpm-tools';
const SEGMENTATION_ID = 'sdpm-lesions';
const UNCERTAINTY_SEGMENTATION_ID = 'sdpm-uncertainty';
const COMPARE_SEGMENTATION_ID = 'sdpm-compare';
/** Outline colour of the comparison layer (the reader's kept edits): green, unlike the red lesion contour. */
export const COMPARE_RGB: [number, number, number] = [80, 220, 120];

/** Lesion labelmap colour LUT: index 1 red (Cornerstone's default look), nothing else. */
function compareColorLut(): Types.ColorLUT {
  return [
    [0, 0, 0, 0],
    [COMPARE_RGB[0], COMPARE_RGB[1], COMPARE_RGB[2], 255],
  ];
}

/** The uncertainty scale as a Cornerstone colour LUT (index 0 transparent), from uncertaintyScale.ts. */
function uncertaintyColorLut(): Types.ColorLUT {
  return [[0, 0, 0, 0], ...UNCERTAINTY_COLOURS.map((c) => [c[0], c[1], c[2], 255] as Types.Color)];
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
  /** Position of the slice plane (mm) along the volume axis it cuts, DICOM sign (see viewGeometry.ts). */
  positionMm: number;
  /** Patient directions at the top, bottom, left and right edges of the view. */
  markers: OrientationMarkers;
}

/** What changed in the lesion labelmap: the slices (k) Cornerstone reported, or null when it did not say. */
export type LabelmapChange = (slices: number[] | null) => void;

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

/**
 * Cornerstone gives every slice image of a locally built volume the volume's origin as its
 * ImagePositionPatient; its slice lookup then finds no image for any slice but the first and logs
 * "No imageId found within the specified criteria" on every render. Each slice gets its real position.
 */
function fixSlicePositions(volumeId: string, info: VolumeInfo): void {
  const vol = cache.getVolume(volumeId);
  if (vol === undefined) return;
  vol.imageIds.forEach((imageId, k) => {
    const plane = csUtils.genericMetadataProvider.get('imagePlaneModule', imageId) as { imagePositionPatient?: number[] } | undefined;
    if (plane !== undefined) plane.imagePositionPatient = ijkToWorld(info, [0, 0, k]);
  });
}

export class ViewerController {
  private readonly engine: RenderingEngine;
  private readonly elements: Record<ViewportName, HTMLDivElement>;
  private ctVolumeId: string | null = null;
  private labelmapVolumeId: string | null = null;
  private uncertaintyVolumeId: string | null = null;
  private compareVolumeId: string | null = null;
  private info: VolumeInfo | null = null;
  /** Set while this class writes the labelmap for a caller that has already counted the change. */
  private silentWrite = false;
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
    this.info = info;
    fixSlicePositions(ctId, info);
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
    const compareVolumeId = `sdpm-cmp-${info.volumeId}`;
    volumeLoader.createAndCacheDerivedLabelmapVolume(ctId, { volumeId: compareVolumeId });
    this.compareVolumeId = compareVolumeId;
    segmentation.addSegmentations([
      {
        segmentationId: COMPARE_SEGMENTATION_ID,
        representation: { type: ToolEnums.SegmentationRepresentations.Labelmap, data: { volumeId: compareVolumeId } },
        config: { label: 'Kept edits', segments: {} },
      },
    ]);
    for (const id of [segVolumeId, uncVolumeId, compareVolumeId]) fixSlicePositions(id, info);
    const lutIndex = segmentation.config.color.addColorLUT(uncertaintyColorLut());
    const compareLut = segmentation.config.color.addColorLUT(compareColorLut());
    for (const name of VIEWPORTS) {
      await segmentation.addLabelmapRepresentationToViewport(name, [{ segmentationId: UNCERTAINTY_SEGMENTATION_ID, config: { colorLUTOrIndex: lutIndex } }]);
      await segmentation.addLabelmapRepresentationToViewport(name, [{ segmentationId: COMPARE_SEGMENTATION_ID, config: { colorLUTOrIndex: compareLut } }]);
      await segmentation.addLabelmapRepresentationToViewport(name, [{ segmentationId: SEGMENTATION_ID }]);
      segmentation.activeSegmentation.setActiveSegmentation(name, SEGMENTATION_ID);
    }
    this.applyUncertaintyStyle();
    segmentation.segmentationStyle.setStyle(
      { type: ToolEnums.SegmentationRepresentations.Labelmap },
      { renderOutline: true, renderFill: true, fillAlpha: 0.25, outlineWidth: 2, outlineOpacity: 1 },
    );
    segmentation.segmentationStyle.setStyle(
      { type: ToolEnums.SegmentationRepresentations.Labelmap, segmentationId: COMPARE_SEGMENTATION_ID },
      { renderOutline: true, renderOutlineInactive: true, renderFill: false, renderFillInactive: false, outlineWidth: 2, outlineWidthInactive: 2, outlineOpacity: 1, outlineOpacityInactive: 1 },
    );
    segmentation.segmentIndex.setActiveSegmentIndex(SEGMENTATION_ID, 1);
    this.setWindow(40, 80);
    this.fitHead(voxels);
    this.engine.render();
  }

  private headCorners: Array<[number, number, number]> | null = null;

  /** Makes the head (voxels above -300 HU) fill each view, centred; the empty field of view is cropped. */
  private fitHead(voxels: Int16Array | Float32Array): void {
    if (this.info === null) return;
    const dims = this.info.dimensions as [number, number, number];
    const box = headBoxIjk(voxels, dims);
    if (box === null) return;
    const corners: Array<[number, number, number]> = [];
    for (const i of [box.min[0], box.max[0]]) for (const j of [box.min[1], box.max[1]]) for (const k of [box.min[2], box.max[2]]) corners.push(ijkToWorld(this.info, [i, j, k]));
    this.headCorners = corners;
    for (const name of VIEWPORTS) this.fitView(name);
  }

  private fitView(name: ViewportName): void {
    if (this.headCorners === null) return;
    const vp = this.viewport(name);
    const cam = vp.getCamera();
    if (cam.focalPoint === undefined || cam.position === undefined || cam.viewUp === undefined || cam.viewPlaneNormal === undefined) return;
    const el = this.elements[name];
    const aspect = el.clientHeight > 0 ? el.clientWidth / el.clientHeight : 1;
    const fit = headFit(this.headCorners, { focalPoint: cam.focalPoint, position: cam.position, viewUp: cam.viewUp, viewPlaneNormal: cam.viewPlaneNormal }, aspect);
    vp.setCamera({ focalPoint: fit.focalPoint as Types.Point3, position: fit.position as Types.Point3, parallelScale: fit.parallelScale });
  }

  private unloadVolume(): void {
    if (this.ctVolumeId === null) return;
    segmentation.removeAllSegmentationRepresentations();
    segmentation.removeAllSegmentations();
    for (const id of [this.ctVolumeId, this.labelmapVolumeId, this.uncertaintyVolumeId, this.compareVolumeId]) if (id !== null) cache.removeVolumeLoadObject(id);
    this.ctVolumeId = this.labelmapVolumeId = this.uncertaintyVolumeId = this.compareVolumeId = null;
    this.info = null;
    this.headCorners = null;
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

  /**
   * Replaces the whole labelmap (inference result, threshold change, journal restore). `counted`: the
   * caller has already taken the change into its live count, so change listeners are not told.
   */
  setLabelmap(values: Uint8Array, counted = false): void {
    const vol = this.labelmapVolumeId === null ? undefined : cache.getVolume(this.labelmapVolumeId);
    if (vol === undefined) return;
    const set = vol.voxelManager?.setCompleteScalarDataArray;
    if (set === undefined) throw new Error('labelmap has no voxel manager');
    set(values);
    this.silentWrite = counted;
    try {
      segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(SEGMENTATION_ID);
    } finally {
      this.silentWrite = false;
    }
  }

  /** Slice k of the lesion labelmap as Cornerstone holds it (a view, not a copy; do not keep it). */
  labelmapSlice(k: number): ArrayLike<number> | null {
    const vol = this.labelmapVolumeId === null ? undefined : cache.getVolume(this.labelmapVolumeId);
    const imageId = vol?.imageIds[k];
    if (imageId === undefined) return null;
    return cache.getImage(imageId)?.voxelManager?.getScalarData() ?? null;
  }

  /** Shows another mask as a green outline beside the lesion contour (the reader's kept edits); null hides it. */
  setComparison(values: Uint8Array | null): void {
    const vol = this.compareVolumeId === null ? undefined : cache.getVolume(this.compareVolumeId);
    const set = vol?.voxelManager?.setCompleteScalarDataArray;
    if (vol === undefined || set === undefined) return;
    set(values ?? new Uint8Array(vol.voxelManager?.getScalarDataLength?.() ?? 0));
    segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(COMPARE_SEGMENTATION_ID);
    this.engine.render();
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
   * read-only labelmap of bins on the cool scale of uncertaintyScale.ts (never red, so it cannot pass for
   * the lesion contour): Cornerstone's labelmap path renders on every viewport orientation, where a fused
   * second volume was not drawn on the axial view. The lesion segmentation stays the active (editable) one.
   * Returns the largest uncertainty (the top of the legend).
   */
  async setUncertainty(_info: VolumeInfo, values: Float32Array | null): Promise<number> {
    if (this.uncertaintyVolumeId === null) return 0;
    const vol = cache.getVolume(this.uncertaintyVolumeId);
    const set = vol?.voxelManager?.setCompleteScalarDataArray;
    if (set === undefined) return 0;
    const binned = values === null ? { bins: new Uint8Array(vol?.voxelManager?.getScalarDataLength?.() ?? 0), max: 0 } : binUncertainty(values);
    set(binned.bins);
    segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(UNCERTAINTY_SEGMENTATION_ID);
    this.applyUncertaintyStyle();
    return binned.max;
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

  /**
   * Moves all three viewports to the slice through a world point (Cornerstone snaps it to a grid slice,
   * which the editing tools need) and centres the point in each view (zoom unchanged).
   */
  jumpToWorld(world: [number, number, number]): void {
    for (const name of VIEWPORTS) {
      const vp = this.viewport(name);
      vp.jumpToWorld(world as Types.Point3);
      const cam = vp.getCamera();
      const f = cam.focalPoint;
      const p = cam.position;
      const n = cam.viewPlaneNormal;
      if (f === undefined || p === undefined || n === undefined) continue;
      const d = [world[0] - f[0], world[1] - f[1], world[2] - f[2]];
      const along = d[0]! * n[0] + d[1]! * n[1] + d[2]! * n[2];
      const inPlane = [d[0]! - along * n[0], d[1]! - along * n[1], d[2]! - along * n[2]];
      vp.setCamera({
        focalPoint: [f[0] + inPlane[0]!, f[1] + inPlane[1]!, f[2] + inPlane[2]!] as Types.Point3,
        position: [p[0] + inPlane[0]!, p[1] + inPlane[1]!, p[2] + inPlane[2]!] as Types.Point3,
      });
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
    const up = cam.viewUp ?? [0, -1, 0];
    const dir = this.info?.directionLps ?? [1, 0, 0, 0, 1, 0, 0, 0, 1];
    return {
      viewport: name,
      slice: info.currentStepIndex + 1,
      nSlices: info.numScrollSteps + 1,
      positionMm: dicomSlicePositionMm(f, n, dir),
      markers: orientationMarkers(up, n),
    };
  }

  /** Calls back after a camera change or labelmap change; returns the unsubscribe function. */
  subscribe(onCamera: () => void, onLabelmap: LabelmapChange): () => void {
    const cameraEvents = [CoreEnums.Events.CAMERA_MODIFIED, CoreEnums.Events.VOLUME_NEW_IMAGE];
    for (const name of VIEWPORTS) for (const e of cameraEvents) this.elements[name].addEventListener(e, onCamera);
    const segEvent = ToolEnums.Events.SEGMENTATION_DATA_MODIFIED;
    const onSeg = (evt: Event) => {
      const detail = (evt as CustomEvent<{ segmentationId?: string; modifiedSlicesToUse?: number[] }>).detail;
      if (detail?.segmentationId !== SEGMENTATION_ID || this.silentWrite) return;
      const slices = detail.modifiedSlicesToUse;
      performance.mark('sdpm:labelmap-modified'); // read by scripts/bench/app-latency.ts
      onLabelmap(Array.isArray(slices) && slices.length > 0 ? slices : null);
    };
    eventTarget.addEventListener(segEvent, onSeg);
    return () => {
      for (const name of VIEWPORTS) for (const e of cameraEvents) this.elements[name].removeEventListener(e, onCamera);
      eventTarget.removeEventListener(segEvent, onSeg);
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
    for (const name of VIEWPORTS) this.fitView(name);
    this.engine.render();
  }

  destroy(): void {
    for (const c of this.cleanups) c();
    this.unloadVolume();
    ToolGroupManager.destroyToolGroup(TOOL_GROUP_ID);
    this.engine.destroy();
  }
}
