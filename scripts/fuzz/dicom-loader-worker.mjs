// Worker entry of scripts/fuzz/dicom-loader.ts: a worker thread does not inherit tsx's loader, so register it here.
import { register } from 'tsx/esm/api';

register();
await import('./dicom-loader.ts');
