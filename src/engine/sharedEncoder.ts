import type { AcousticModel, EncoderOutput } from '../acoustic/model.js';
import type { ClipEmbedder } from '../embed/embedder.js';
import type { ClapModel } from '../embed/models.js';
import type { AcousticStage } from './ports.js';
import { rememberLast } from './rememberLast.js';

/**
 * QuranCLAP's audio tower is the acoustic model's encoder trunk plus a head (its own last blocks,
 * pooling, projection). When the head was trained on the very trunk the acoustic model ships (the
 * cards' `encoder_sha256` agree, and the acoustic graph outputs the trunk's states), hybrid mode
 * runs that trunk once per chunk: the posteriors and the head's input come from the same pass.
 */
export function sharesEncoder(acoustic: AcousticModel, clap: ClapModel): boolean {
  return acoustic.card.hidden_output !== undefined && clap.sharesEncoderWith(acoustic.card.encoder_sha256);
}

/**
 * An acoustic stage and an embedder over one encoder pass: whichever asks first for a chunk
 * runs the acoustic model, the other reuses that pass when it asks for the very same samples
 * (a tempo retry hands the acoustic stage other samples: those get a pass of their own).
 */
export function sharedEncoderStages(acoustic: AcousticModel, clap: ClapModel): { acoustic: AcousticStage; embedder: ClipEmbedder } {
  const pass = rememberLast((samples): Promise<EncoderOutput> => acoustic.encode(samples));
  return {
    acoustic: {
      async posteriors(samples, offsetS) {
        return { ...(await pass(samples)).posteriors, offsetS };
      },
    },
    embedder: {
      dir: clap.dir,
      card: clap.card,
      verses: clap.verses,
      sizeBytes: clap.sizeBytes,
      async embedClip(samples) {
        return clap.embedHidden((await pass(samples)).hidden);
      },
    },
  };
}
