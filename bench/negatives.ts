/**
 * Speech that recites no verse, for `ayat bench --negatives DIR`: everyday Arabic prose in several
 * espeak-ng voices, and sentences in languages Muslims around the world speak. A bench run counts
 * how many of them get a made-up verse, and --fit-calibration fits confidence to refuse them too
 * (the dev set holds recitations only).
 *   node dist/bench/negatives.js OUT_DIR
 * The sentences are not those of the tests (test/cli/notQuran.e2e.test.ts), which stay unseen.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runScript } from './runScript.js';

interface Utterance {
  readonly voices: readonly string[];
  readonly text: string;
}

const ARABIC_VOICES = ['ar', 'ar+f2', 'ar+m3'];

const NEGATIVE_UTTERANCES: readonly Utterance[] = [
  { voices: ARABIC_VOICES, text: 'كَانَ الْجَوُّ بَارِدًا فِي الصَّبَاحِ فَلَبِسْتُ مِعْطَفِي وَخَرَجْتُ إِلَى الْعَمَلِ' },
  { voices: ARABIC_VOICES, text: 'تَعَلَّمَ أَخِي قِيَادَةَ السَّيَّارَةِ فِي الصَّيْفِ الْمَاضِي' },
  { voices: ARABIC_VOICES, text: 'الْمَكْتَبَةُ مَفْتُوحَةٌ مِنَ السَّاعَةِ التَّاسِعَةِ حَتَّى الْخَامِسَةِ مَسَاءً' },
  { voices: ARABIC_VOICES, text: 'أَكَلْنَا السَّمَكَ وَالْأُرْزَ عَلَى الْغَدَاءِ ثُمَّ شَرِبْنَا الشَّايَ' },
  { voices: ARABIC_VOICES, text: 'هَلْ تَعْرِفُ أَيْنَ تَقَعُ مَحَطَّةُ الْقِطَارِ الْجَدِيدَةُ' },
  { voices: ARABIC_VOICES, text: 'سافرت العائلة إلى المدينة لزيارة الأقارب في العطلة' },
  { voices: ['en', 'en+f3'], text: 'Please remember to send the report before the meeting on Thursday morning.' },
  { voices: ['en-us'], text: 'My grandmother grew tomatoes and peppers in the small garden behind the house.' },
  { voices: ['fr'], text: 'Nous avons pris le train de nuit pour arriver à Marseille avant le lever du soleil.' },
  { voices: ['id'], text: 'Saya membeli beras dan sayur di pasar pagi ini, lalu pulang naik sepeda.' },
  { voices: ['tr'], text: 'Yarın sabah erkenden kalkıp deniz kenarında uzun bir yürüyüş yapacağız.' },
  { voices: ['ur'], text: 'کل شام ہم سب دوست پارک میں کرکٹ کھیلنے گئے تھے' },
  { voices: ['ms'], text: 'Adik saya sedang belajar untuk peperiksaan minggu depan di perpustakaan.' },
];

async function main(): Promise<number> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node dist/bench/negatives.js OUT_DIR');
  mkdirSync(out, { recursive: true });
  let n = 0;
  NEGATIVE_UTTERANCES.forEach((u, i) => {
    for (const voice of u.voices) {
      const file = join(out, `not-quran-${String(i + 1).padStart(2, '0')}-${voice.replace('+', '-')}.wav`);
      execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', file, u.text]);
      n++;
    }
  });
  process.stdout.write(`${n} recordings written to ${out}\n`);
  return 0;
}

runScript('negatives', main);
