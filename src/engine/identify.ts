import type { MatchResult } from '../match/types.js';
import { heardWords, type HeardWord } from '../match/words.js';
import { mergeChunkResults } from './mergeChunks.js';
import { leftoverSpans, versesHeard } from './leftovers.js';
import { padSpans } from './padSpans.js';
import type { AcousticStage, AudioStage, ChunkRecogniser, DecodedAudio, MatchStage, TimeSpan } from './ports.js';
import { errorResult, matchToResult, noMatchResult, withInputWarning, type IdentifyResult } from './result.js';
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
  /**
   * Speech a chunk's answer leaves over is matched on its own (see leftoverSpans). Off for the
   * windows of a followed recitation: they are cut anywhere, so their edges hold pieces of verses,
   * and the trail needs one answer per window.
   */
  matchLeftovers: boolean;
}

/** What a single call may change or tell (see identifySamples). */
export type CallOptions = Partial<Pick<IdentifyOptions, 'matchLeftovers'>> & {
  /** The samples were decoded from a file cut off (DecodedAudio.cutOff): the answer says so, as identifyFile's does. */
  readonly cutOff?: boolean | undefined;
};

export const DEFAULT_IDENTIFY_OPTIONS: IdentifyOptions = { maxCandidates: 5, maxChunkS: 30, maxDurationS: 1800, words: false, matchLeftovers: true };

/** Silence kept around each chunk the VAD found (see padSpans). */
const CHUNK_PAD_S = 0.2;

/** Unanswered audio in a chunk at least this long is matched again on its own (see leftoverSpans). */
const MIN_LEFTOVER_S = 2;
/** Leftovers of leftovers are looked at this many times deep. */
const MAX_LEFTOVER_DEPTH = 2;
/**
 * A leftover's answer needs this confidence, not the engine's 0.5: every extra look is another
 * chance to mistake a piece (on dev sessions, `npm run bench:sessions`, right leftovers came at
 * 0.78 or more, the one wrong at 0.53).
 */
const MIN_LEFTOVER_CONFIDENCE = 0.7;
/**
 * A chunk answered "no verse" with no pause to cut at (see SPLIT_PAUSE_S) is heard again in parts
 * around its best alignment only from this length: two recitations take longer, and cutting a
 * few seconds of ordinary speech in two found made-up verses in 2 of 26 such recordings
 * (`ayat bench --negatives`, full mode).
 */
const MIN_SPLIT_S = 10;
/**
 * A chunk answered "no verse" whose speech has a pause this long is heard again as the two
 * parts either side of its longest pause (when its speech lasts MIN_PAUSE_SPLIT_SPEECH_S or
 * more). Speech before a recitation (a word of introduction, a question) otherwise shares the
 * chunk: its frames drag the confidence down and the verse's alignment drifts into them. Each
 * part's answer needs MIN_LEFTOVER_CONFIDENCE, as a leftover's does.
 */
const SPLIT_PAUSE_S = 0.3;
const MIN_PAUSE_SPLIT_SPEECH_S = 3;

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
      result = withInputWarning(this.toResult(label, matched), audio);
    } catch (err) {
      result = errorResult(label, err);
    }
    timings.totalMs = performance.now() - start;
    return { result, timings, audioS, chunkMatches };
  }

  /** Identifies already-decoded audio (e.g. an HTTP upload). Throws on model/matcher failure. */
  async identifySamples(samples: Float32Array, sampleRate: number, label: string, call: CallOptions = {}): Promise<Identification> {
    const timings = emptyTimings();
    const start = performance.now();
    const matched = await this.matchSamples(samples, sampleRate, timings, call);
    const result = withInputWarning(this.toResult(label, matched), { cutOff: call.cutOff, durationS: samples.length / sampleRate });
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
    call: CallOptions = {},
  ): Promise<{ match: MatchResult | undefined; chunkMatches: readonly MatchResult[] }> {
    const { audio } = this;
    if (samples.length === 0 || audio.isSilent(samples, sampleRate)) return { match: undefined, chunkMatches: [] };
    const planned = audio.planChunks(samples, sampleRate, { maxChunkS: this.options.maxChunkS });
    const spans = padSpans(planned, samples.length / sampleRate, CHUNK_PAD_S);
    if (spans.length === 0) return { match: undefined, chunkMatches: [] };

    const recogniser = await this.recogniser();
    const perChunk: MatchResult[] = [];
    const maxDepth = (call.matchLeftovers ?? this.options.matchLeftovers) ? MAX_LEFTOVER_DEPTH : 0;
    const job: SpanJob = { recogniser, samples, sampleRate, timings, maxDepth };
    for (const span of spans) perChunk.push(...(await this.recogniseSpan(job, span, 0)));
    if (perChunk.length === 0) return { match: undefined, chunkMatches: [] };
    return { match: mergeChunkResults(perChunk, this.options.maxCandidates), chunkMatches: perChunk };
  }

  /** The two parts of `piece` either side of its longest pause, in the recording's seconds (see SPLIT_PAUSE_S); none when it has no such pause. */
  private aroundLongestPause(piece: Float32Array, sampleRate: number, offsetS: number): TimeSpan[] {
    const split = this.audio.splitAtLongestPause(piece, sampleRate);
    if (!split || split.pauseS < SPLIT_PAUSE_S || split.after.endS - split.before.startS < MIN_PAUSE_SPLIT_SPEECH_S) return [];
    // Unpadded, unlike chunks: on dev, 0.2 s of the pause around each part found one crowd clip fewer.
    return [split.before, split.after].map((t) => ({ startS: t.startS + offsetS, endS: t.endS + offsetS }));
  }

  /**
   * The span's answer, and those of the speech it left over (see leftoverSpans), in time order.
   * A chunk answered "no verse" is heard again in parts, one way: as the parts either side of its
   * longest pause when it has one (see SPLIT_PAUSE_S); else, when it is long (MIN_SPLIT_S) and
   * its best alignment leaves speech over, as the aligned part and the rest, since two
   * recitations in one chunk lower the confidence of either one's answer. A leftover answered so
   * is not cut further (smaller pieces are easier to mistake).
   */
  private async recogniseSpan(job: SpanJob, span: TimeSpan, depth: number): Promise<MatchResult[]> {
    const { recogniser, samples, sampleRate, timings } = job;
    const from = Math.max(0, Math.floor(span.startS * sampleRate));
    const to = Math.min(samples.length, Math.ceil(span.endS * sampleRate));
    if (to <= from) return [];
    const piece = samples.slice(from, to);
    if (depth > 0 && this.audio.isSilent(piece, sampleRate)) return [];
    const heardFirst = await recogniser.recognise(piece, from / sampleRate, { maxCandidates: this.options.maxCandidates }, timings);
    const result = depth > 0 && heardFirst.confidence < MIN_LEFTOVER_CONFIDENCE ? withheld(heardFirst) : heardFirst;
    if (result.status !== 'ok' && depth === 0 && job.maxDepth > 0) {
      const parts = this.aroundLongestPause(piece, sampleRate, from / sampleRate);
      if (parts.length > 0) {
        const found: MatchResult[] = [];
        for (const part of parts) found.push(...(await this.recogniseSpan(job, part, depth + 1)));
        return found.some((r) => r.status === 'ok') ? found.sort((a, b) => startOf(a) - startOf(b)) : [result];
      }
    }
    const heard = versesHeard(result);
    const rest = heard && depth < job.maxDepth ? leftoverSpans(span, heard, MIN_LEFTOVER_S) : [];
    if (rest.length === 0) return [result];
    const answered = result.status === 'ok';
    if (!answered && (depth > 0 || span.endS - span.startS < MIN_SPLIT_S)) return [result];
    // Unanswered: the part its best alignment covered is heard again on its own, like the rest.
    const found = answered ? [result] : await this.recogniseSpan(job, widen(heard!, span, CHUNK_PAD_S), depth + 1);
    for (const r of rest) found.push(...(await this.recogniseSpan(job, r, depth + 1)));
    return found.sort((a, b) => startOf(a) - startOf(b));
  }
}

/** What every span of one recording is heard with. */
interface SpanJob {
  readonly recogniser: ChunkRecogniser;
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly timings: StageTimings;
  /** How many times deep leftovers are looked at: 0 when they are not. */
  readonly maxDepth: number;
}

const withheld = (r: MatchResult): MatchResult => (r.status === 'ok' ? { ...r, status: 'no_match', verses: [] } : r);

/** `inner` widened by `padS` on both sides, within `outer`. */
function widen(inner: TimeSpan, outer: TimeSpan, padS: number): TimeSpan {
  return { startS: Math.max(outer.startS, inner.startS - padS), endS: Math.min(outer.endS, inner.endS + padS) };
}

const startOf = (r: MatchResult): number => versesHeard(r)?.startS ?? r.startS;

/** The answer's words: the aligned units of every answered chunk, in time order; undefined in modes that align none (clap, lightweight). */
function answerWords(chunks: readonly MatchResult[]): HeardWord[] | undefined {
  const units = chunks.filter((c) => c.status === 'ok' && c.verses.length > 0).flatMap((c) => c.detail?.units ?? []);
  return units.length > 0 ? heardWords(units) : undefined;
}
