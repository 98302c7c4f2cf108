/**
 * `fn`, answering a repeat call for the very same samples (the same array object, as a tempo
 * retry of one chunk passes them again) with the previous call's promise instead of running again.
 */
export function rememberLast<T>(fn: (samples: Float32Array) => Promise<T>): (samples: Float32Array) => Promise<T> {
  let lastSamples: Float32Array | undefined;
  let last: Promise<T> | undefined;
  return (samples) => {
    if (samples !== lastSamples || !last) {
      lastSamples = samples;
      last = fn(samples);
    }
    return last;
  };
}
