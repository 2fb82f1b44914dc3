import type { CaseModule } from '../types.js';
import * as tokenizer from './tokenizer.js';
import * as minhash from './minhash.js';
import * as dedupJoin from './dedup-join.js';
import * as pmcOa from './pmc-oa.js';
import * as pdfHtml from './pdf-html.js';
import * as layout from './layout.js';
import * as filters from './filters.js';
import * as loader from './loader.js';
import * as shards from './shards.js';
import * as pipeline from './pipeline.js';
import * as flamingoForward from './flamingo-forward.js';
import * as train from './train.js';
import * as interleave from './interleave.js';
import * as weightsLoad from './weights-load.js';
import * as trainDemo from './adamw8bit-demo.js';
import * as ocr from './ocr.js';
import * as figures from './figures.js';
import * as damaged from './damaged.js';

/** Every benchmark module, one line each; `npm run bench -- <filter>` picks by name. */
export const MODULES: Record<string, CaseModule> = {
  filters,
  tokenizer,
  minhash,
  'dedup-join': dedupJoin,
  'pmc-oa': pmcOa,
  'pdf-html': pdfHtml,
  layout,
  loader,
  shards,
  pipeline,
  'flamingo-forward': flamingoForward,
  train,
  interleave,
  'weights-load': weightsLoad,
  'adamw8bit-demo': trainDemo,
  ocr,
  figures,
  damaged,
};
