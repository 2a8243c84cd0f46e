/** Display formatting of DICOM values the way readers expect them. */

/** PN `Family^Given^Middle^Prefix^Suffix` -> `FAMILY, Given Middle`. */
export function formatPersonName(pn: string): string {
  if (pn.trim() === '') return '(no name)';
  const [family = '', given = '', middle = ''] = pn.split('=')[0]!.split('^');
  const rest = [given, middle].filter((s) => s.trim() !== '').join(' ');
  return rest === '' ? family.toUpperCase() : `${family.toUpperCase()}, ${rest}`;
}

/** DA `YYYYMMDD` -> `YYYY-MM-DD` (unchanged when malformed). */
export function formatDicomDate(da: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m === null ? da || '—' : `${m[1]}-${m[2]}-${m[3]}`;
}

/** TM `HHMMSS.frac` -> `HH:MM`. */
export function formatDicomTime(tm: string): string {
  const m = /^(\d{2})(\d{2})/.exec(tm.trim());
  return m === null ? '' : `${m[1]}:${m[2]}`;
}
