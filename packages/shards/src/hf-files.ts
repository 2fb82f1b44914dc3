import { HF_FEATURES } from './schema.js';

export const STATE_FILE = 'state.json';
export const DATASET_INFO_FILE = 'dataset_info.json';

/**
 * Python's json.dump(indent=2) output for these plain values equals
 * JSON.stringify(value, null, 2) (ASCII keys, no floats), so the files read
 * as if `datasets.save_to_disk` had written them.
 */
function pythonJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * state.json as `save_to_disk` writes it (keys sorted): `load_from_disk` opens
 * exactly the files listed in `_data_files`, in order, with pyarrow's stream reader.
 */
export function stateJson(files: readonly string[], fingerprint: string): string {
  return pythonJson({
    _data_files: files.map((filename) => ({ filename })),
    _fingerprint: fingerprint,
    _format_columns: null,
    _format_kwargs: {},
    _format_type: null,
    _output_all_columns: false,
    _split: null,
  });
}

/**
 * dataset_info.json as `save_to_disk` writes it for a dataset built in memory
 * (top-level keys sorted, features in column order). `DatasetInfo.from_dict`
 * takes the features from here and checks them against the shards' schema.
 */
export function datasetInfoJson(description: string): string {
  return pythonJson({
    citation: '',
    description,
    features: HF_FEATURES,
    homepage: '',
    license: '',
  });
}
