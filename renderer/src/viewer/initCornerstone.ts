/**
 * One-time Cornerstone3D set-up. WebGL2 is checked first: Cornerstone's CPU fallback renders neither
 * volume viewports nor labelmaps, so without WebGL2 the review app cannot work and says so.
 */
import { init as coreInit } from '@cornerstonejs/core';
import {
  addTool,
  CrosshairsTool,
  init as toolsInit,
  LabelMapEditWithContourTool,
  PaintFillTool,
  PanTool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { SdpmBrushTool } from './SdpmBrushTool';

export function webGl2Problem(): string | null {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2');
  if (gl === null) {
    return 'WebGL2 is not available in this browser or on this graphics driver. The CT viewports, the lesion overlay and the uncertainty map need it; enable hardware acceleration or use a machine with a WebGL2-capable GPU driver.';
  }
  return null;
}

let initialised = false;

export function initCornerstone(): void {
  if (initialised) return;
  coreInit();
  toolsInit();
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, CrosshairsTool, SdpmBrushTool, PaintFillTool, LabelMapEditWithContourTool]) addTool(tool);
  initialised = true;
}
