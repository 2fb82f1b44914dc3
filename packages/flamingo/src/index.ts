export * from './config.js';
export * from './param-shapes.js';
export * from './safetensors.js';
export * from './safetensors-io.js';
export * from './backend.js';
export { FlamingoModel, type ForwardInputs, type LoadOptions } from './model/flamingo.js';
export { canonicalName, type NameMapping } from './model/names.js';
export { mediaSelection } from './model/cross-attn.js';
export * from './train/index.js';
