export {
  SHARD_SCHEMA, SHARD_COLUMNS, SHARD_SOURCES, HF_FEATURES, FORMAT_VERSION, SCHEMA_VERSION, type ShardRow,
} from './schema.js';
export { ShardWriter, shardFileName, DEFAULT_MAX_SHARD_BYTES, type ShardWriterOptions } from './writer.js';
export { readIndex, INDEX_FILE, type ShardIndex, type ShardEntry } from './index-file.js';
export { STATE_FILE, DATASET_INFO_FILE } from './hf-files.js';
export { verifyShard } from './verify.js';
export { readShardRows, readShardBatches } from './reader.js';
export { writeRowsFile, readRowsFile, encodeRowsFile, decodeRowsFile } from './rows-file.js';
export { rowsToBatch, checkRow } from './batch-encode.js';
export { batchToRows, checkShardSchema } from './batch-decode.js';
export { validateShardDir, type ValidationReport } from './validate.js';
