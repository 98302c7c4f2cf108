import type { IdentifyResponse } from '../api';

/** The modes the worker runs. */
export type BrowserMode = 'full' | 'hybrid';

/** The page asks the worker (worker.ts) to identify decoded samples. */
export interface IdentifyRequest {
  readonly id: number;
  readonly mode: BrowserMode;
  /** 16 kHz mono. */
  readonly samples: Float32Array;
  readonly name: string;
  /** One run of ayat per chunk, leftovers not looked at again (the live windows). */
  readonly oneRun: boolean;
  readonly decodeMs: number;
  readonly audioS: number;
  /** The file stops before its format says it ends (DecodedAudio.cutOff): the answer gets the server's warning. */
  readonly cutOff: boolean;
}

export type IdentifyReply =
  | { readonly id: number; readonly ok: true; readonly response: IdentifyResponse }
  | { readonly id: number; readonly ok: false; readonly error: string };
