/** Microphone capture with MediaRecorder; the browser picks the container (webm, ogg or mp4). */
export class MicRecorder {
  private recorder: MediaRecorder | undefined;
  private chunks: Blob[] = [];

  static get supported(): boolean {
    return typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  }

  get recording(): boolean {
    return this.recorder?.state === 'recording';
  }

  /** The microphone's stream while recording. */
  get stream(): MediaStream | undefined {
    return this.recording ? this.recorder?.stream : undefined;
  }

  async start(): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.chunks = [];
    this.recorder = new MediaRecorder(stream);
    this.recorder.addEventListener('dataavailable', (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    });
    this.recorder.start();
  }

  /** Stops, releases the microphone, and gives the recording with a file name matching its type. */
  stop(): Promise<{ blob: Blob; name: string }> {
    const recorder = this.recorder;
    if (!recorder) return Promise.reject(new Error('not recording'));
    return new Promise((resolve) => {
      recorder.addEventListener(
        'stop',
        () => {
          for (const track of recorder.stream.getTracks()) track.stop();
          const type = recorder.mimeType || 'audio/webm';
          const ext = type.includes('mp4') ? 'm4a' : type.includes('ogg') ? 'ogg' : 'webm';
          resolve({ blob: new Blob(this.chunks, { type }), name: `recording.${ext}` });
        },
        { once: true },
      );
      recorder.stop();
    });
  }
}
