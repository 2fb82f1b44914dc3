import { pageText, type PageView } from './book-view.js';
import { languageVerdict } from './language-id.js';
import { KEEP, drop, perBook, type FilterContext, type NodeFilter } from './verdict.js';

type LanguageVerdict = 'yes' | 'no' | 'unknown';

/** Pages sampled, evenly spread, for the book's own language. */
const BOOK_SAMPLE_PAGES = 24;

/**
 * The language of each page, judged when first asked (franc is the costliest
 * filter, and pages whose every block an earlier filter dropped never ask),
 * and of the book: a page with too little text takes the verdict of most of
 * the book's text, from up to BOOK_SAMPLE_PAGES pages.
 */
const pageLanguage = perBook((ctx: FilterContext) => {
  const { languages, minLanguageChars, minLanguageScore } = ctx.config;
  const judged = new Map<number, { verdict: LanguageVerdict; chars: number }>();
  const judge = (page: PageView) => {
    let j = judged.get(page.page);
    if (!j) {
      const text = pageText(page);
      j = { verdict: text.length >= minLanguageChars ? languageVerdict(text, languages, minLanguageScore) : 'unknown', chars: text.length };
      judged.set(page.page, j);
    }
    return j;
  };
  let book: LanguageVerdict | undefined;
  const bookVerdict = (): LanguageVerdict => {
    if (book) return book;
    const candidates = ctx.book.pages.filter((p) => p.content.reduce((n, b) => n + b.text.length, 0) >= minLanguageChars);
    const step = Math.max(1, candidates.length / BOOK_SAMPLE_PAGES);
    let yes = 0, no = 0;
    for (let i = 0; i < candidates.length; i += step) {
      const j = judge(candidates[Math.floor(i)]!);
      if (j.verdict === 'yes') yes += j.chars;
      if (j.verdict === 'no') no += j.chars;
    }
    book = no > yes ? 'no' : 'yes';
    return book;
  };
  return (page: PageView): LanguageVerdict => {
    const v = judge(page).verdict;
    return v === 'unknown' ? bookVerdict() : v;
  };
});

/**
 * Text outside the configured languages (corpus.json "languages"; [] keeps
 * everything). A block goes only when it and its page are both judged foreign:
 * trigram statistics of one paragraph are noisy (an English list of author
 * names can score like German), those of a page are not, so an English page
 * keeps its odd block and a foreign page or book loses all its text.
 */
export const language: NodeFilter = (node, ctx) => {
  const { languages, minLanguageChars, minLanguageScore } = ctx.config;
  if (node.kind !== 'text' || languages.length === 0) return KEEP;
  if (pageLanguage(ctx)(ctx.book.pageOf(node)) !== 'no') return KEEP;
  const own = node.text.length >= minLanguageChars ? languageVerdict(node.text, languages, minLanguageScore) : 'unknown';
  return own === 'yes' ? KEEP : drop('language');
};
