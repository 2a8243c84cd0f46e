/**
 * What the samplers tell their caller around each network call: a cancel check before the call (throws
 * SdpmError CANCELLED when cancelled, so a cancel takes effect within one call; it may also yield to the
 * event loop so that a cancel message can be read) and a count after it.
 */
export interface CallTicker {
  /** Max images per network call. */
  batchSize: number;
  beforeCall(): void | Promise<void>;
  afterCall(images: number, mode: 'avg' | 'sal' | 'infer'): void;
}

export const noTicker = (batchSize: number): CallTicker => ({ batchSize, beforeCall: () => undefined, afterCall: () => undefined });
