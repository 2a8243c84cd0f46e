/**
 * The few attributes of the source CT that the SEG copies but the Volume does not carry:
 * SliceThickness (0018,0050), StudyID (0020,0010), ReferringPhysicianName (0008,0090). Read
 * synchronously from the first source file's header; null/'' when the file cannot be read (the caller
 * then falls back and says so).
 */
import { readFileSync } from 'node:fs';
import { parseDicomFile } from '../dicom/parseDicomFile';

export interface SourceHeaderExtras {
  sliceThicknessMm: number | null;
  studyId: string;
  referringPhysicianName: string;
}

export function readSourceHeaderExtras(filePath: string): SourceHeaderExtras | null {
  if (filePath === '') return null;
  try {
    const ds = parseDicomFile(readFileSync(filePath), filePath, { headerOnly: true });
    const t = ds.floatString('x00180050');
    return {
      sliceThicknessMm: t !== undefined && Number.isFinite(t) && t > 0 ? t : null,
      studyId: (ds.string('x00200010') ?? '').trim(),
      referringPhysicianName: (ds.string('x00080090') ?? '').trim(),
    };
  } catch {
    // unreadable or moved source file: the writer falls back to geometry-derived values and notes it
    return null;
  }
}
