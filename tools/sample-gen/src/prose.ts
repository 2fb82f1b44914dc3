import type { Rng } from './prng.js';
import type { Caption } from './captions.js';
import type { Specialty } from './specialties.js';
import { SPECIALTIES } from './specialties.js';

/**
 * Hands out ROCO captions to books. In the committed sample each caption is used
 * at most once across all books (`exclusive`), so no two books share a sentence
 * by accident; the scale corpus may cycle through the pool because its paragraphs
 * mix several sentences and templates and stay distinct anyway.
 */
export class CaptionPool {
  private readonly used = new Set<string>();
  readonly usedRows: Caption[] = [];
  private readonly bySpecialty = new Map<string, Caption[]>();
  private readonly general: Caption[];

  constructor(captions: readonly Caption[], private readonly exclusive: boolean) {
    const general: Caption[] = [];
    for (const c of captions) {
      const s = SPECIALTIES.find((sp) => sp.captionPattern.test(c.text));
      if (s) {
        const list = this.bySpecialty.get(s.key) ?? [];
        list.push(c);
        this.bySpecialty.set(s.key, list);
      } else {
        general.push(c);
      }
    }
    this.general = general;
  }

  /** A per-book drawer: the specialty's captions first (in a seeded order), then general ones. */
  drawer(specialty: Specialty, rng: Rng): () => Caption {
    const own = rng.shuffle([...(this.bySpecialty.get(specialty.key) ?? [])]);
    const general = rng.shuffle([...this.general]);
    const order = [...own, ...general];
    let i = 0;
    let cycles = 0;
    return () => {
      for (;;) {
        if (i >= order.length) {
          if (this.exclusive) throw new Error('ROCO caption pool exhausted: the sample asks for more prose than the CC BY/CC0 captions provide');
          i = 0;
          cycles++;
          if (cycles > 1000) throw new Error('caption pool is empty');
        }
        const c = order[i++]!;
        if (this.exclusive && this.used.has(c.rocoId)) continue;
        if (!this.used.has(c.rocoId)) {
          this.used.add(c.rocoId);
          this.usedRows.push(c);
        }
        return c;
      }
    };
  }
}

const CONNECTORS = ['', '', '', 'For example, ', 'In a typical case, ', 'Similarly, ', 'In one reported patient, ', 'By way of illustration, '];

/** Lower-case the first letter only when it is an ordinary word (keeps "MRI", "CT"). */
function lowerFirst(s: string): string {
  const first = s.split(' ')[0] ?? '';
  if (/^[A-Z][a-z]+$/.test(first.replace(/[,:;]$/, ''))) return s[0]!.toLowerCase() + s.slice(1);
  return s;
}

export function captionSentence(rng: Rng, caption: string): string {
  const c = rng.pick(CONNECTORS);
  return c ? c + lowerFirst(caption) : caption;
}

type Slots = { topic: string; sym: string; test: string; tx: string; anat: string; find: string; n: number; m: number };

const TEMPLATES: ((s: Slots) => string)[] = [
  (s) => `Patients with ${s.topic} commonly present with ${s.sym}, and ${s.test} remains the first-line investigation.`,
  (s) => `The involvement of ${s.anat} is a well-recognised feature of ${s.topic} and should be sought in every case.`,
  (s) => `In a cohort of ${s.n} consecutive patients, ${s.find} was documented in ${s.m} percent at the time of diagnosis.`,
  (s) => `When ${s.sym} is accompanied by ${s.find}, the probability of ${s.topic} rises considerably.`,
  (s) => `Current guidelines recommend ${s.tx} for most patients, although the evidence for older adults is less robust.`,
  (s) => `The response to ${s.tx} should be reassessed at each follow-up visit, ideally within ${s.n % 12 + 2} weeks.`,
  (s) => `Interpretation of ${s.test} requires attention to ${s.anat}, where subtle abnormalities are easily overlooked.`,
  (s) => `A normal result on ${s.test} does not exclude ${s.topic} when clinical suspicion is high.`,
  (s) => `Long-term outcomes depend on early recognition, and delayed treatment is associated with ${s.find}.`,
  (s) => `The differential diagnosis of ${s.sym} is broad, and a structured history narrows it quickly.`,
  (s) => `Serial examinations documented progression of ${s.find} over ${s.n % 20 + 3} months in untreated patients.`,
  (s) => `Multidisciplinary review is advisable before ${s.tx} is offered to patients with significant comorbidity.`,
  (s) => `Of the ${s.n} patients followed prospectively, ${s.m} percent required ${s.tx} within the first year.`,
  (s) => `Careful examination of ${s.anat} often reveals ${s.find} that was not suspected clinically.`,
  (s) => `Adverse effects of ${s.tx} are usually mild, but they account for most treatment discontinuations.`,
  (s) => `The sensitivity of ${s.test} for ${s.topic} approaches ${s.m + 30} percent in experienced hands.`,
  (s) => `Risk stratification combines the clinical picture with ${s.test} and guides the intensity of monitoring.`,
  (s) => `Young patients with ${s.sym} deserve the same systematic evaluation as older ones.`,
  (s) => `Recurrence after ${s.tx} is uncommon, although late relapses have been described after ${s.n % 9 + 2} years.`,
  (s) => `Documentation of ${s.find} on the initial study provides a baseline for later comparison.`,
  (s) => `A stepwise approach, beginning with ${s.test}, avoids unnecessary and costly investigations.`,
  (s) => `The pathological hallmark of ${s.topic} is a change in ${s.anat} that correlates with the severity of symptoms.`,
];

/** One template sentence filled with this specialty's terms; `terms` collects index entries. */
export function templateSentence(rng: Rng, sp: Specialty, topic: string, terms: Set<string>): string {
  const s: Slots = {
    topic: topic.toLowerCase(),
    sym: rng.pick(sp.symptoms),
    test: rng.pick(sp.tests),
    tx: rng.pick(sp.treatments),
    anat: rng.pick(sp.anatomy),
    find: rng.pick(sp.findings),
    n: rng.int(24, 980),
    m: rng.int(4, 62),
  };
  const text = rng.pick(TEMPLATES)(s);
  for (const t of [s.sym, s.test, s.tx, s.anat, s.find]) if (text.includes(t)) terms.add(t);
  return text;
}

/** A body paragraph of 3-6 sentences mixing real captions and templates. */
export function paragraph(rng: Rng, sp: Specialty, topic: string, draw: () => Caption, terms: Set<string>): string {
  const n = rng.int(3, 6);
  const out: string[] = [];
  let captions = 0;
  for (let i = 0; i < n; i++) {
    if ((i === 0 && rng.chance(0.3)) || (i > 0 && rng.chance(0.45)) || (i === n - 1 && captions === 0)) {
      out.push(captionSentence(rng, draw().text));
      captions++;
    } else {
      out.push(templateSentence(rng, sp, topic, terms));
    }
  }
  return out.join(' ');
}
