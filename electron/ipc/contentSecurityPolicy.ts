/**
 * The page's Content-Security-Policy, shared by the Electron protocol handler and the local API server.
 * No 'unsafe-eval': Cornerstone's WebAssembly codecs need only 'wasm-unsafe-eval', and its decode
 * workers are same-origin module workers (blob: allowed for worker-src only, for vtk.js helpers).
 * Inline styles are allowed because Cornerstone Tools writes SVG annotations with style attributes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
