/**
 * A new DICOM UID under the UUID-derived root 2.25 (PS3.5 B.2): "2.25." + the UUID as an unsigned
 * decimal integer. At most 44 characters, well under the 64 allowed.
 */
import { randomUUID } from 'node:crypto';

export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}
