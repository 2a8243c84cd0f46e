// Vite config for the renderer (React + Cornerstone3D). Production builds only for tests and the app:
// real volume loading failed under the dev server (ENVIRONMENT.md), `vite build` output works.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { cornerstoneClickWait } from './cornerstoneClickWait';

const root = fileURLToPath(new URL('../renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react(), cornerstoneClickWait()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 8000,
  },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@cornerstonejs/dicom-image-loader'] },
  logLevel: 'warn',
});
