/** In-place radix-2 FFT of a fixed power-of-two size, float64 (clip features need no more). */
export class Fft {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint32Array;

  constructor(readonly size: number) {
    if (size < 2 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two, got ${size}`);
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let k = 0; k < size / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / size);
    }
    const bits = Math.log2(size);
    this.reversed = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
  }

  /** Transforms (re, im) in place: X[k] = sum_n x[n] e^{-2 pi i k n / N}. */
  transform(re: Float64Array, im: Float64Array): void {
    const n = this.size;
    for (let i = 0; i < n; i++) {
      const j = this.reversed[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      const step = n / len;
      for (let start = 0; start < n; start += len) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * step]!;
          const wi = this.sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const xr = re[b]! * wr - im[b]! * wi;
          const xi = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] = re[a]! + xr;
          im[a] = im[a]! + xi;
        }
      }
    }
  }
}

/**
 * Power spectrum |X[k]|², k = 0..N/2, of a real frame of N samples, through one complex FFT of
 * N/2 points (even samples as real parts, odd ones as imaginary parts, then split).
 */
export class RealPowerSpectrum {
  private readonly half: Fft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly size: number) {
    this.half = new Fft(size / 2);
    this.re = new Float64Array(size / 2);
    this.im = new Float64Array(size / 2);
    this.cos = new Float64Array(size / 2 + 1);
    this.sin = new Float64Array(size / 2 + 1);
    for (let k = 0; k <= size / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /** `frame` holds `size` samples (zero-padded by the caller); `out` gets size/2 + 1 values. */
  power(frame: Float64Array, out: Float64Array): void {
    const h = this.size / 2;
    const { re, im } = this;
    for (let n = 0; n < h; n++) {
      re[n] = frame[2 * n]!;
      im[n] = frame[2 * n + 1]!;
    }
    this.half.transform(re, im);
    for (let k = 0; k <= h; k++) {
      const a = k % h;
      const b = (h - k) % h;
      const er = (re[a]! + re[b]!) / 2;
      const ei = (im[a]! - im[b]!) / 2;
      const or = (im[a]! + im[b]!) / 2;
      const oi = (re[b]! - re[a]!) / 2;
      const c = this.cos[k]!;
      const s = this.sin[k]!;
      const xr = er + c * or + s * oi;
      const xi = ei + c * oi - s * or;
      out[k] = xr * xr + xi * xi;
    }
  }
}
