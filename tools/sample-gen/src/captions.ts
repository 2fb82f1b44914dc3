import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real biomedical sentences for the generated prose: ROCO figure captions
 * (razorx89/roco-dataset, from PubMed Central open-access articles). Only rows
 * licensed CC BY or CC0 are kept, because the generated PDFs are committed; the
 * filtered table is committed too (data/roco-cc-captions.tsv) so the generator
 * needs nothing outside the repository.
 */
export interface Caption {
  rocoId: string;
  pmcFile: string;
  licence: 'CC BY' | 'CC0';
  text: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
export const CAPTIONS_FILE = join(HERE, '..', 'data', 'roco-cc-captions.tsv');

const ALLOWED_LICENCES = new Set(['CC BY', 'CC0']);

/**
 * Standard-14 PDF fonts only encode WinAnsi; ASCII keeps every extractor (and the
 * ground truth) unambiguous, so common typographic characters are mapped and a
 * caption with anything else is left out.
 */
const CHAR_MAP: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-',
  '\u2212': '-', '\u00d7': 'x', '\u00b1': '+/-', '\u2265': '>=', '\u2264': '<=', '\u00a0': ' ',
  '\u00b0': ' degrees', '\u00b5': 'u', '\u03bc': 'u', '\u2032': "'", '\u2033': '"', '\u2026': '...',
};

export function sanitizeCaption(raw: string): string | null {
  let s = raw.normalize('NFKC');
  s = s.replace(/[\u2018\u2019\u201c\u201d\u2013\u2014\u2212\u00d7\u00b1\u2265\u2264\u00a0\u00b0\u00b5\u03bc\u2032\u2033\u2026]/g, (c) => CHAR_MAP[c] ?? c);
  s = s.replace(/\s+/g, ' ').trim();
  if (/[^\x20-\x7e]/.test(s)) return null;
  // A word ending in a hyphen before a space ("pre- and post-") looks exactly like a
  // line-end hyphenation to an extractor; the truth would be ambiguous.
  if (/[A-Za-z]- /.test(s)) return null;
  // Panel letters and arrows make poor prose; very short captions are fragments.
  const words = s.split(' ').length;
  if (words < 6 || words > 60) return null;
  if (!/^[A-Z]/.test(s)) return null;
  if (!/[.!?]$/.test(s)) s += '.';
  return s;
}

function readLicences(file: string): Map<string, { pmcFile: string; licence: string }> {
  const out = new Map<string, { pmcFile: string; licence: string }>();
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    if (!line.trim()) continue;
    const first = line.indexOf(',');
    const last = line.lastIndexOf(',');
    if (first < 0 || last <= first) continue;
    out.set(line.slice(0, first), { pmcFile: line.slice(first + 1, last), licence: line.slice(last + 1).trim() });
  }
  return out;
}

/** Build the committed table from the shared ROCO files (run by `main.ts --refresh-captions`). */
export function extractCaptions(captionsDir: string): Caption[] {
  const out: Caption[] = [];
  for (const kind of ['radiology', 'non-radiology']) {
    const lic = readLicences(join(captionsDir, `roco-validation-${kind}-licences.csv`));
    for (const line of readFileSync(join(captionsDir, `roco-validation-${kind}-captions.tsv`), 'utf8').split('\n')) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const rocoId = line.slice(0, tab).trim();
      const l = lic.get(rocoId);
      if (!l || !ALLOWED_LICENCES.has(l.licence)) continue;
      const text = sanitizeCaption(line.slice(tab + 1));
      if (!text) continue;
      out.push({ rocoId, pmcFile: l.pmcFile, licence: l.licence as Caption['licence'], text });
    }
  }
  out.sort((a, b) => (a.rocoId < b.rocoId ? -1 : a.rocoId > b.rocoId ? 1 : 0));
  return out;
}

export function formatCaptionTable(rows: Caption[]): string {
  return ['roco_id\tpmc_file\tlicence\tcaption', ...rows.map((r) => `${r.rocoId}\t${r.pmcFile}\t${r.licence}\t${r.text}`)].join('\n') + '\n';
}

let cached: Caption[] | null = null;

export function loadCaptions(file = CAPTIONS_FILE): Caption[] {
  if (file === CAPTIONS_FILE && cached) return cached;
  if (!existsSync(file)) {
    throw new Error(`caption table ${file} is missing: run "node --import tsx tools/sample-gen/src/main.ts --refresh-captions ../shared/corpus/captions"`);
  }
  const rows: Caption[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    if (!line) continue;
    const [rocoId, pmcFile, licence, text] = line.split('\t');
    if (!rocoId || !pmcFile || !text || !licence || !ALLOWED_LICENCES.has(licence)) {
      throw new Error(`${file}: bad row "${line.slice(0, 80)}" (expected roco_id, pmc_file, CC BY|CC0, caption)`);
    }
    rows.push({ rocoId, pmcFile, licence: licence as Caption['licence'], text });
  }
  if (file === CAPTIONS_FILE) cached = rows;
  return rows;
}
