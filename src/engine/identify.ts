import type { MatchResult } from '../match/types.js';
import { heardWords, type HeardWord } from '../match/words.js';
import { mergeChunkResults } from './mergeChunks.js';
import { padSpans } from './padSpans.js';
import type { AcousticStage, AudioStage, ChunkRecogniser, DecodedAudio, MatchStage } from './ports.js';
import { errorResult, matchToResult, noMatchResult, type IdentifyResult } from './result.js';
import { withTempoRetry, type TempoRetryOptions } from './tempoRetry.js';
import { emptyTimings, timed, type StageTimings } from './timing.js';

export interface IdentifyOptions {
  /** Candidates kept in the result (the answer included). */
  maxCandidates: number;
  /** Longest chunk handed to the acoustic model and matcher, seconds. */
  maxChunkS: number;
  /** Longer recordings are refused with an error. */
  maxDurationS: number;
  /** Report the answer's words, each with how clearly it was heard (modes with an acoustic model). */
  words: boolean;
}

export const DEFAULT_IDENTIFY_OPTIONS: IdentifyOptions = { maxCandidates: 5, maxChunkS: 30, maxDurationS: 1800, words: false };

/** Silence kept around each chunk the VAD found (see padSpans). */
const CHUNK_PAD_S = 0.2;

/** Full mode's stages: CTC posteriors, then the verse matcher. */
export interface PosteriorStages {
  readonly audio: AudioStage;
  /** Called when the first recording with speech needs it; so a bad file never waits for the model. */
  readonly acoustic: () => Promise<AcousticStage>;
  readonly matcher: () => Promise<MatchStage>;
  /** Unsure answers are retried at other tempos (default DEFAULT_TEMPO_RETRY); false turns that off. */
  readonly tempoRetry?: TempoRetryOptions | false;
}

/** Any mode: one recogniser per chunk (see ChunkRecogniser), loaded on first need like the above. */
export interface RecogniserStages {
  readonly audio: AudioStage;
  readonly recogniser: () => Promise<ChunkRecogniser>;
}

export type IdentifierStages = PosteriorStages | RecogniserStages;

/** Full mode as a ChunkRecogniser. */
export function posteriorRecogniser(acoustic: AcousticStage, matcher: MatchStage): ChunkRecogniser {
  return {
    async recognise(samples, offsetS, options, timings) {
      const post = await timed(timings, 'acousticMs', () => acoustic.posteriors(samples, offsetS));
      return timed(timings, 'matchMs', () => matcher.matchPosteriors(post, options));
    },
  };
}

export interface Identification {
  readonly result: IdentifyResult;
  readonly timings: StageTimings;
  /** Length of the decoded recording (0 when decoding failed). */
  readonly audioS: number;
  /** The matcher's own result for each chunk, in time order (diagnostics, calibration fitting). */
  readonly chunkMatches: readonly MatchResult[];
}

/** decode → silence check → chunks → posteriors → matcher → one merged result. */
export class Identifier {
  readonly options: IdentifyOptions;
  private readonly audio: AudioStage;
  private readonly recogniser: () => Promise<ChunkRecogniser>;

  constructor(stages: IdentifierStages, options: Partial<IdentifyOptions> = {}) {
    this.options = { ...DEFAULT_IDENTIFY_OPTIONS, ...options };
    this.audio = stages.audio;
    if ('recogniser' in stages) {
      this.recogniser = stages.recogniser;
    } else {
      this.recogniser = async () => {
        const [acoustic, matcher] = await Promise.all([stages.acoustic(), stages.matcher()]);
        return withTempoRetry((a) => posteriorRecogniser(a, matcher), acoustic, stages.tempoRetry);
      };
    }
  }

  /** Never throws: failures come back as status "error" with a one-line message. */
  async identifyFile(path: string, label = path): Promise<Identification> {
    return this.identifyDecoded(label, () => this.audio.decode(path, { maxDurationS: this.options.maxDurationS }));
  }

  /**
   * A whole recording in memory (any format identifyFile reads), e.g. piped to stdin; `name` is
   * what error messages call it (default: the label). Never throws, like identifyFile.
   */
  async identifyBytes(bytes: Uint8Array, label: string, name = label): Promise<Identification> {
    return this.identifyDecoded(label, () => this.audio.decodeBytes(bytes, { maxDurationS: this.options.maxDurationS, name }));
  }

  private async identifyDecoded(label: string, decode: () => Promise<DecodedAudio>): Promise<Identification> {
    const timings = emptyTimings();
    const start = performance.now();
    let audioS = 0;
    let chunkMatches: readonly MatchResult[] = [];
    let result: IdentifyResult;
    try {
      const audio = await timed(timings, 'decodeMs', decode);
      audioS = audio.durationS;
      const matched = await this.matchSamples(audio.samples, audio.sampleRate, timings);
      chunkMatches = matched.chunkMatches;
      result = this.toResult(label, matched);
    } catch (err) {
      result = errorResult(label, err);
    }
    timings.totalMs = performance.now() - start;
    return { result, timings, audioS, chunkMatches };
  }

  /** Identifies already-decoded audio (e.g. an HTTP upload). Throws on model/matcher failure. */
  async identifySamples(samples: Float32Array, sampleRate: number, label: string): Promise<Identification> {
    const timings = emptyTimings();
    const start = performance.now();
    const matched = await this.matchSamples(samples, sampleRate, timings);
    const result = this.toResult(label, matched);
    timings.totalMs = performance.now() - start;
    return { result, timings, audioS: samples.length / sampleRate, chunkMatches: matched.chunkMatches };
  }

  private toResult(label: string, { match, chunkMatches }: { match: MatchResult | undefined; chunkMatches: readonly MatchResult[] }): IdentifyResult {
    if (!match) return noMatchResult(label);
    return matchToResult(label, match, this.options.maxCandidates, this.options.words ? answerWords(chunkMatches) : undefined);
  }

  /** `match` is undefined when there is no speech to match. */
  private async matchSamples(
    samples: Float32Array,
    sampleRate: number,
    timings: StageTimings,
  ): Promise<{ match: MatchResult | undefined; chunkMatches: readonly MatchResult[] }> {
    const { audio } = this;
    if (samples.length === 0 || audio.isSilent(samples, sampleRate)) return { match: undefined, chunkMatches: [] };
    const planned = audio.planChunks(samples, sampleRate, { maxChunkS: this.options.maxChunkS });
    const spans = padSpans(planned, samples.length / sampleRate, CHUNK_PAD_S);
    if (spans.length === 0) return { match: undefined, chunkMatches: [] };

    const recogniser = await this.recogniser();
    const perChunk: MatchResult[] = [];
    for (const span of spans) {
      const from = Math.max(0, Math.floor(span.startS * sampleRate));
      const to = Math.min(samples.length, Math.ceil(span.endS * sampleRate));
      if (to <= from) continue;
      perChunk.push(await recogniser.recognise(samples.slice(from, to), from / sampleRate, { maxCandidates: this.options.maxCandidates }, timings));
    }
    if (perChunk.length === 0) return { match: undefined, chunkMatches: [] };
    return { match: mergeChunkResults(perChunk, this.options.maxCandidates), chunkMatches: perChunk };
  }
}

/** The answer's words: the aligned units of every answered chunk, in time order; undefined in modes that align none (clap, lightweight). */
function answerWords(chunks: readonly MatchResult[]): HeardWord[] | undefined {
  const units = chunks.filter((c) => c.status === 'ok' && c.verses.length > 0).flatMap((c) => c.detail?.units ?? []);
  return units.length > 0 ? heardWords(units) : undefined;
}
