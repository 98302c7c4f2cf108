import { MODE_DESCRIPTIONS, MODE_MODELS, MODES, PREFERRED_MODE, type Mode } from '../engine/modes.js';
import { EMBED_DEFAULTS, type EmbedKind } from '../embed/registry.js';

/** A problem with the command line itself: exit code 2, with a hint to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The modes, the default first, so that help texts follow PREFERRED_MODE when it changes. */
export function modesInHelpOrder(preferred: Mode): Mode[] {
  return [preferred, ...MODES.filter((m) => m !== preferred)];
}

/** "(default)", or "(default; full when the QuranCLAP model is not installed)" where the default falls back. */
export function defaultNote(preferred: Mode): string {
  const extra = MODE_MODELS[preferred].filter((role): role is EmbedKind => role !== 'acoustic');
  if (extra.length === 0) return '(default)';
  const models = extra.map((kind) => `the ${EMBED_DEFAULTS[kind].what}`).join(' or ');
  return `(default; full when ${models} ${extra.length === 1 ? 'is' : 'are'} not installed)`;
}

function mainModesBlock(preferred: Mode): string {
  return modesInHelpOrder(preferred)
    .map((mode) => {
      const line = `  ${mode.padEnd(11)}  ${MODE_DESCRIPTIONS[mode]}`;
      return mode === preferred ? `${line}\n${' '.repeat(15)}${defaultNote(preferred)}` : line;
    })
    .join('\n');
}

function identifyModeOption(preferred: Mode): string {
  const lines = modesInHelpOrder(preferred).map((mode) =>
    mode === preferred ? `${mode} ${defaultNote(preferred)}:\n${' '.repeat(19)}${MODE_DESCRIPTIONS[mode]}` : `${mode}: ${MODE_DESCRIPTIONS[mode]}`,
  );
  return `  --mode MODE    ${lines.join(`\n${' '.repeat(17)}`)}`;
}

function benchModeOption(preferred: Mode): string {
  const [first, ...rest] = modesInHelpOrder(preferred);
  return `  --mode MODE              ${first} ${defaultNote(preferred)},
                           ${rest.join(', ')}; or several, comma-separated, or all:
                           each runs in its own process and one table compares them
                           (accuracy, latency, size, memory)`;
}

export function mainHelp(preferred: Mode): string {
  return `ayat — identify which Quran verse(s) a recording recites, offline.

Usage:
  ayat identify <files...> [--top N] [--json] [--words] [--mode ${modesInHelpOrder(preferred).join('|')}]
  ayat follow <file | -> [--json] [--mode MODE]
  ayat bench --manifest <manifest.json> [options]
  ayat serve [--port N] [--data DIR] [--model DIR] [--clap-model DIR] [--lightweight-model DIR]
  ayat library add|remove <folders...> | search <query...> | list [--data DIR] [--json]
  ayat model [DIR] [--json]
  ayat --help | ayat <command> --help
  ayat --version

Commands:
  identify   name the verse or run of verses recited in each audio file
  follow     follow a recitation as it is heard: each verse printed when reached
  bench      score the engine on a benchmark manifest (offline-tarteel format)
  serve      web app and HTTP API: identify uploads (every installed mode), index
             and search a library
  library    the same library from the shell: index folders, search, list, remove
  model      what ayat makes of an acoustic model folder (yours, or the shipped one)

Modes (--mode):
${mainModesBlock(preferred)}

Environment:
  AYAT_MODEL              acoustic model folder used when --model is not given
  AYAT_CLAP_MODEL         QuranCLAP model folder (default models/ayat-clap)
  AYAT_LIGHTWEIGHT_MODEL  bridge model folder (default models/ayat-bridge)
  AYAT_DATA               library folder for \`ayat serve\` and \`ayat library\` without --data

Exit codes: 0 every file processed, 1 a file or the run failed, 2 bad usage or a
mode whose trained model is not installed.
`;
}

export function identifyHelp(preferred: Mode): string {
  return `Usage: ayat identify <files...> [options]

Prints, per file, the recited verse or span (e.g. 112:1-4), the surah name,
the Arabic text, a confidence (0-1), where it is in the clip, and runners-up.
A file given as - is one recording piped to stdin, in any format a file may
have (e.g. curl -s https://…/clip.mp3 | ayat identify -).

Options:
  --top N        how many hypotheses to keep, the answer included (default 5)
  --json         one JSON object per file per line:
                 {"file","status":"ok"|"no_match"|"error","verses":[{"surah","ayah"}],
                  "confidence","start_s","end_s","candidates":[{"verses","score"}],"error"?,
                  "warning"? (e.g. the file is cut off: what it holds was identified)}
  --words        also check the answer word by word: words probably not recited as
                 written (wrong, skipped or unclear) are flagged, and words in or after
                 which something was added are marked, with where they are; JSON gets
                 "words":[{"surah","ayah","word","text","start_s","end_s","score",
                 "flagged","extra_letters","added"}]; hybrid and full
${identifyModeOption(preferred)}
  --model DIR    acoustic model folder or bundled model name (default: models/ayat-ctc,
                 or $AYAT_MODEL); full and hybrid. Also an Arabic CTC model exported
                 from transformers (wav2vec2 …ForCTC: config.json, vocab.json, model.onnx)
                 or a Whisper folder for transformers.js (docs/models.md)
  --clap-model DIR          QuranCLAP model folder (default models/ayat-clap, or
                            $AYAT_CLAP_MODEL); clap and hybrid
  --lightweight-model DIR   bridge model folder (default models/ayat-bridge, or
                            $AYAT_LIGHTWEIGHT_MODEL); lightweight
  -h, --help     show this help

Exit codes: 0 every file was processed (ok or no_match), 1 some file failed, 2 bad usage
or the mode's trained model is not installed.
`;
}

export function benchHelp(preferred: Mode): string {
  return `Usage: ayat bench --manifest <manifest.json> [options]

Runs every clip of an offline-tarteel style manifest and scores it like the public
offline-tarteel benchmark (recall, precision, sequence accuracy), plus top-5 hit
rate, breakdowns by category/source/reciter, latency, real-time factor, memory,
and confidence calibration.

Options:
  --manifest FILE          benchmark manifest ({"samples": [...]}, files relative to it)
${benchModeOption(preferred)}
  --model DIR              acoustic model folder or name (default models/ayat-ctc)
  --clap-model DIR         QuranCLAP model folder (default models/ayat-clap)
  --lightweight-model DIR  bridge model folder (default models/ayat-bridge)
  --out FILE               write the JSON report (or comparison) there
  --table FILE             with several modes: also write the table as Markdown
  --limit N                only the first N clips (after filtering)
  --filter KEY=VALUE[,…]   keep clips whose KEY (id, category, source, reciter, surah)
                           is one of the values; repeatable, filters are ANDed
  --fit-calibration FILE   refit the verse matcher's confidence calibration (modes
                           full and hybrid) on these clips and write it to FILE; a
                           model folder's own calibration.json (full) or
                           hybrid-calibration.json (hybrid) replaces the built-in one
  --negatives DIR          one mode: also identify every recording in DIR (speech that
                           recites no verse; npm run bench:make-negatives -- DIR makes
                           some) and report how many got a verse; with --fit-calibration
                           they join the fit as answers that must be refused
  --json                   print the report JSON instead of the table
  -h, --help               show this help

Exit codes: 0 every clip was processed, 1 a clip or the run failed, 2 bad usage or
a mode whose trained model is not installed.
`;
}

export function followHelp(preferred: Mode): string {
  return `Usage: ayat follow <file | -> [options]

Follows a recitation as it is heard: every 2 s of audio, the latest 8 s are
identified, and each verse is printed once, when the recitation reaches it
(time heard, reference, surah, Arabic text).

Input: an audio file (played through as if it were being recorded), or - for raw
16-kHz 16-bit little-endian mono PCM on stdin, e.g. from a microphone:
  arecord -q -f S16_LE -r 16000 -c 1 | ayat follow -
  ffmpeg -loglevel error -f pulse -i default -ac 1 -ar 16000 -f s16le - | ayat follow -

Options:
  --json         one JSON object per verse per line: {"at_s","surah","ayah","confidence"}
  --mode MODE    ${modesInHelpOrder(preferred).join(', ')} (default ${preferred}; see ayat identify --help)
  --model DIR, --clap-model DIR, --lightweight-model DIR   as for ayat identify
  -h, --help     show this help

Exit codes: 0 the input was followed to its end, 1 it could not be read or a model
failed, 2 bad usage.
`;
}

export const MAIN_HELP = mainHelp(PREFERRED_MODE);
export const FOLLOW_HELP = followHelp(PREFERRED_MODE);
export const IDENTIFY_HELP = identifyHelp(PREFERRED_MODE);
export const BENCH_HELP = benchHelp(PREFERRED_MODE);
