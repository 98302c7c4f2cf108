/**
 * The microphone as raw samples, the last few seconds kept, so live following can send what was
 * just recited. The AudioContext asks for 16 kHz (the model's rate); where the browser will not,
 * samples come at its own rate and the server resamples them.
 */
export class PcmTap {
  private readonly buffer: Float32Array;
  private written = 0;

  private constructor(
    private readonly context: AudioContext,
    private readonly nodes: readonly AudioNode[],
    readonly sampleRate: number,
    keepS: number,
  ) {
    this.buffer = new Float32Array(Math.ceil(keepS * sampleRate));
  }

  static async open(stream: MediaStream, keepS: number): Promise<PcmTap> {
    let context: AudioContext;
    try {
      context = new AudioContext({ sampleRate: 16000 });
    } catch {
      context = new AudioContext();
    }
    const source = context.createMediaStreamSource(stream);
    // ScriptProcessorNode is deprecated, but it needs no separate worklet module and every browser runs it.
    const processor = context.createScriptProcessor(4096, 1, 1);
    const tap = new PcmTap(context, [source, processor], context.sampleRate, keepS);
    processor.addEventListener('audioprocess', (e) => tap.push(e.inputBuffer.getChannelData(0)));
    source.connect(processor);
    processor.connect(context.destination); // it only runs while connected; its output is silence
    await context.resume();
    return tap;
  }

  /** Seconds heard so far. */
  get heardS(): number {
    return this.written / this.sampleRate;
  }

  /** The last `seconds` heard (less at the start), oldest first. */
  latest(seconds: number): Float32Array {
    const size = this.buffer.length;
    const n = Math.min(this.written, size, Math.round(seconds * this.sampleRate));
    const out = new Float32Array(n);
    const end = this.written % size;
    for (let i = 0; i < n; i++) out[i] = this.buffer[(end - n + i + size) % size]!;
    return out;
  }

  close(): void {
    for (const node of this.nodes) node.disconnect();
    void this.context.close();
  }

  private push(samples: Float32Array): void {
    const size = this.buffer.length;
    for (let i = 0; i < samples.length; i++) this.buffer[(this.written + i) % size] = samples[i]!;
    this.written += samples.length;
  }
}

/** 16-bit PCM mono WAV. */
export function wavBlob(samples: Float32Array, sampleRate: number): Blob {
  const data = new DataView(new ArrayBuffer(44 + samples.length * 2));
  const text = (at: number, s: string): void => {
    for (let i = 0; i < s.length; i++) data.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, 'RIFF');
  data.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  data.setUint32(16, 16, true);
  data.setUint16(20, 1, true);
  data.setUint16(22, 1, true);
  data.setUint32(24, sampleRate, true);
  data.setUint32(28, sampleRate * 2, true);
  data.setUint16(32, 2, true);
  data.setUint16(34, 16, true);
  text(36, 'data');
  data.setUint32(40, samples.length * 2, true);
  samples.forEach((s, i) => data.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, s)) * 32767), true));
  return new Blob([data.buffer], { type: 'audio/wav' });
}
