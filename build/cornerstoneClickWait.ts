/**
 * Vite plugin: no 400 ms wait before a click reaches the tools.
 *
 * Cornerstone's mouse-down listener (tools, eventListeners/mouse/mouseDownListener.js) holds every primary-button
 * mouse-down for DOUBLE_CLICK_TOLERANCE_MS = 400 ms to see whether a second click follows, and only then lets the
 * active tool act; a drag past 3 px releases it early. So every brush or eraser CLICK painted 0.4 s late. This app
 * binds no double-click action to any tool, so the wait is set to 0: the click is handed on in the next task.
 * The constant is module-private (no configuration), hence a build-time edit of exactly that line; the build fails
 * if the line is not found (a Cornerstone upgrade must revisit this), never silently.
 */
import type { Plugin } from 'vite';

export const CLICK_WAIT_FILE = /@cornerstonejs[\\/]tools[\\/]dist[\\/]esm[\\/]eventListeners[\\/]mouse[\\/]mouseDownListener\.js$/;
const LINE = /const DOUBLE_CLICK_TOLERANCE_MS = 400;/;
export const CLICK_WAIT_MS = 0;

/** The module's source with the double-click wait set to CLICK_WAIT_MS; throws when the line is not there. */
export function patchClickWait(source: string, id: string): string {
  if (!LINE.test(source)) throw new Error(`${id}: "const DOUBLE_CLICK_TOLERANCE_MS = 400;" not found; review build/cornerstoneClickWait.ts for this Cornerstone version`);
  return source.replace(LINE, `const DOUBLE_CLICK_TOLERANCE_MS = ${CLICK_WAIT_MS}; /* sdpm: build/cornerstoneClickWait.ts */`);
}

export function cornerstoneClickWait(): Plugin {
  let patched = 0;
  return {
    name: 'sdpm-cornerstone-click-wait',
    enforce: 'pre',
    transform(code, id) {
      if (!CLICK_WAIT_FILE.test(id)) return null;
      patched++;
      return { code: patchClickWait(code, id), map: null };
    },
    buildEnd(err) {
      if (err === undefined && patched === 0) this.error('the Cornerstone mouse-down listener was not bundled; build/cornerstoneClickWait.ts patched nothing');
    },
  };
}
