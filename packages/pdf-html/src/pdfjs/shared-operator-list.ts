import { AnnotationMode, type PDFPageProxy } from './load.js';

/**
 * Drawing a figure from the operator list the page was read with, instead of
 * having pdf.js parse the page's content streams a second time.
 *
 * pdf.js keys a page's operator lists by intent: `getOperatorList()` (what
 * readPage takes) asks for the "oplist" intent, `render()` for "display", and
 * the worker builds each from the content streams again. The two differ only
 * in that "display" merges runs of small images into group operators
 * (pdf.js' QueueOptimizer), which the canvas needs no more than the single
 * operators they stand for. Over the layout corpus' 58 vector figures this
 * takes a quarter off their rendering time; the pixels differ by at most 18
 * levels, from anti-aliasing.
 *
 * These are pdf.js' internals (pinned at 5.6.205): when any is missing, the
 * page renders the ordinary way.
 */
interface IntentState {
  operatorList?: { lastChunk: boolean };
  renderTasks?: Set<unknown>;
}
interface PageInternals {
  _intentStates?: Map<string, IntentState>;
  _transport?: { getRenderingIntent?: (intent: string, mode: number, storage: null, editing: boolean, opList?: boolean) => { cacheKey: string } };
  _startRenderPage?: (transparency: boolean, cacheKey: string) => void;
}

/** Whether each read page's content uses blend modes, as pdf.js' worker tells it when a list starts. */
const transparency = new WeakMap<PDFPageProxy, boolean>();

/**
 * Call before `getOperatorList()`: keeps what the worker says of the page's
 * blend modes, which a render from the same list needs (pdf.js only keeps it
 * for a render's own list).
 */
export function watchListStart(page: PDFPageProxy): void {
  const p = page as unknown as PageInternals;
  const start = p._startRenderPage;
  if (typeof start !== 'function') return;
  p._startRenderPage = function (this: unknown, blends: boolean, cacheKey: string): void {
    transparency.set(page, blends);
    start.call(this, blends, cacheKey);
  };
}

/**
 * Call before `page.render()` with annotations off: hands the finished
 * "oplist" list to the "display" intent. Returns whether it did.
 */
export function shareOperatorList(page: PDFPageProxy): boolean {
  const p = page as unknown as PageInternals;
  const intent = p._transport?.getRenderingIntent;
  const blends = transparency.get(page);
  if (!p._intentStates || typeof intent !== 'function' || blends === undefined) return false;
  const listKey = intent.call(p._transport, 'display', AnnotationMode.DISABLE, null, false, true).cacheKey;
  const drawKey = intent.call(p._transport, 'display', AnnotationMode.DISABLE, null, false).cacheKey;
  if (p._intentStates.has(drawKey)) return true;
  const list = p._intentStates.get(listKey)?.operatorList;
  if (!list?.lastChunk) return false;
  const ready = { promise: Promise.resolve(blends), resolve: () => undefined, reject: () => undefined };
  // The shape pdf.js' render() gives a state it creates, its list already complete.
  p._intentStates.set(drawKey, Object.assign(Object.create(null) as object, { displayReadyCapability: ready, operatorList: list, renderTasks: new Set(), streamReaderCancelTimeout: null }));
  return true;
}
