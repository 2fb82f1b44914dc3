import { encodePlain } from '@mtb/core';
import type { NodeRole, NodeRow } from '@mtb/image-tokens';

/** Hand-made books for filter tests: pages of text blocks and images, seqs in order. */
export class BookBuilder {
  readonly nodes: NodeRow[] = [];
  private page = 1;

  /** Start the next page (or jump to `n`). */
  nextPage(n = this.page + 1): this {
    this.page = n;
    return this;
  }

  text(text: string, role: NodeRole = 'body'): this {
    this.nodes.push({ seq: this.nodes.length, page: this.page, kind: 'text', role, text, image_path: null, width: 0, height: 0, image_bytes: null, num_tokens: encodePlain(text).length, level: 0, figure: 0, ocr: false });
    return this;
  }

  image(width = 400, height = 300): this {
    const n = this.nodes.filter((r) => r.kind === 'image').length + 1;
    this.nodes.push({ seq: this.nodes.length, page: this.page, kind: 'image', role: 'body', text: '', image_path: `book/p${this.page}-${n}.png`, width, height, image_bytes: new Uint8Array([1, 2, 3]), num_tokens: 0, level: 0, figure: 0, ocr: false });
    return this;
  }

  /** A body page of ordinary prose, with running header, footer and page number. */
  bodyPage(paragraphs: string[]): this {
    this.text('Chapter 3 The Urinary Tract', 'header');
    for (const p of paragraphs) this.text(p);
    this.text('Clinical Anatomy for Students', 'footer');
    this.text(String(this.page), 'page-number');
    return this.nextPage();
  }

  seqsOnPage(page: number): number[] {
    return this.nodes.filter((n) => n.page === page).map((n) => n.seq);
  }
}

/** Real-sounding textbook prose, written for these tests. */
export const PROSE = [
  'The kidneys lie retroperitoneally on the posterior abdominal wall, the right kidney slightly lower than the left because of the large right lobe of the liver.',
  'Each ureter descends on the psoas major muscle, crosses the pelvic brim anterior to the bifurcation of the common iliac artery and enters the bladder obliquely.',
  'During pregnancy the uterus enlarges from a pelvic organ of about 50 g to an abdominal organ of about 1000 g, mainly by hypertrophy of existing smooth muscle cells.',
  'The prostate surrounds the proximal urethra below the neck of the bladder; benign enlargement of its transition zone narrows the urethra and obstructs urinary flow.',
  'Descent of the testis through the inguinal canal is usually complete by birth, and an undescended testis should be brought into the scrotum early in childhood.',
  'In 1998, a trial of 245 women found that 12 of 120 patients given 5 mg daily had fewer episodes of preterm labour (Smith et al., 2001; Jones 2004).',
];
