/**
 * Plain messages for what can go wrong when opening a study folder. The services answer with a stable code
 * and a technical message (often the operating system's: ENOENT, EACCES); the reader gets one sentence
 * that names the folder and says what to do.
 */
export function plainStudyError(code: string, message: string, folder: string): string {
  const m = message.toLowerCase();
  if (m.includes('enoent') || m.includes('no such file')) return `The folder ${folder} does not exist. Check the path (or drop the folder here).`;
  if (m.includes('eacces') || m.includes('eperm') || m.includes('permission denied')) return `You do not have permission to read ${folder}. Ask for read access, or copy the study somewhere you can read.`;
  if (m.includes('enotdir') || m.includes('not a folder')) return `${folder} is a file, not a folder. Open the folder that holds the DICOM files.`;
  if (code === 'SERIES_EMPTY_FOLDER') return `The folder ${folder} is empty.`;
  return `${folder} could not be opened: ${message}`;
}

/** Said when a folder opened but holds nothing to show; `keptStudy`: a study is open and stays. */
export function noImagesMessage(folder: string, skipped: number, keptStudy: boolean): string {
  const what = skipped > 0 ? `no CT images (${skipped} file(s) that are not DICOM images)` : 'no CT images';
  return `${folder} has ${what}.${keptStudy ? ' The open study stays as it was.' : ''}`;
}
