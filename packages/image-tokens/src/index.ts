export { NODES_SCHEMA, NODE_ROLES, TABLE_CELL_SEPARATOR, type NodeRow, type NodeKind, type NodeRole } from './schema.js';
export { writeNodes, readNodes, encodeNodes, decodeNodes } from './nodes-file.js';
export { parseBookHtml, collapseWhitespace, type HtmlBlock, type BlockPlace, type ParsedBook } from './html-blocks.js';
export { embedImage, type EmbeddedImage, type ImageLimits } from './image-file.js';
export { runTokensStage, buildNodes, locateBook, TOKENS_STAGE, type TokensOptions } from './tokens-stage.js';
export { failedBefore } from './upstream.js';
