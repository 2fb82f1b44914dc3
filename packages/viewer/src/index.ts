export { startViewer, handle } from './server.js';
export { renderReport, writeReport } from './report.js';
export { CorpusData, type BookSummary, type DedupList } from './corpus-data.js';
export { barChart, histogram, binValues, type Bar, type Bin } from './svg.js';
