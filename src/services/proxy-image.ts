// The image a Service's proxy runs: podrun's own pause image, built from the shipped
// static binary, which has the proxy mode (`/pause --proxy`). Never the upstream
// registry.k8s.io/pause (it has no proxy) nor a --pause-image override: the proxy
// needs this binary whatever pause image the pods use.
import { ensurePauseImage } from '../docker/pause-image.js';

/** No registry is asked: the shipped binary is always there to build from. */
const NEVER_PULLED = '127.0.0.1:9/podrun-no-registry:0';

export function ensureProxyImage(): Promise<string> {
  return ensurePauseImage({ image: '', registryImage: NEVER_PULLED, pullTimeoutMs: 1 });
}
