/**
 * Plays [start, end] of whatever an <audio> element holds, then pauses. One
 * listener per element; starting another range replaces the previous one.
 */
const stops = new WeakMap<HTMLAudioElement, () => void>();

export async function playRange(audio: HTMLAudioElement, startS: number, endS: number): Promise<void> {
  stops.get(audio)?.();
  const onTime = (): void => {
    if (audio.currentTime >= endS) {
      audio.pause();
      stop();
    }
  };
  const stop = (): void => {
    audio.removeEventListener('timeupdate', onTime);
    stops.delete(audio);
  };
  stops.set(audio, stop);
  if (audio.readyState < HTMLMediaElement.HAVE_METADATA) {
    const loaded = new Promise<void>((resolve) => {
      audio.addEventListener('loadedmetadata', () => resolve(), { once: true });
      audio.addEventListener('error', () => resolve(), { once: true });
    });
    audio.preload = 'auto';
    audio.load();
    await loaded;
  }
  audio.currentTime = startS;
  audio.addEventListener('timeupdate', onTime);
  try {
    await audio.play();
  } catch {
    stop(); // autoplay refused or the source failed: the controls are still there
  }
}
