export { runSegmentStage, SEGMENTS_STAGE, type SegmentStageResult } from './stage.js';
export { segmentBook, type SegmentResult } from './segment-book.js';
export { planSegments, segmentCost, textBudget, type SegmentLimits } from './plan.js';
export { segmentText, segmentRow } from './render.js';
export { toUnits, type Unit } from './units.js';
export { splitSentences } from './sentences.js';
export { readDropList, type DropList } from './drop-list.js';
