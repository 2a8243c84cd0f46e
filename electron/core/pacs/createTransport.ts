/**
 * The transport for a peer: resolves its secret (never logged, never stored in the config) and builds
 * the DICOMweb or DIMSE client.
 */
import { DicomWebTransport } from './DicomWebTransport';
import { DimseTransport } from './DimseTransport';
import type { PacsPeer } from './PacsConfig';
import type { PacsTransport } from './PacsTransport';
import { resolvePeerSecret, type SecretSource } from './secrets';

export async function createTransport(peer: PacsPeer, secrets: SecretSource): Promise<PacsTransport> {
  if (peer.kind === 'dimse') return new DimseTransport(peer);
  return new DicomWebTransport(peer, await resolvePeerSecret(peer, secrets));
}
