import { ConfigError } from '@mtb/core';
import { getConfig, type FlamingoConfig } from '../config.js';

/**
 * The training config's `model`: a config name, or an inline object
 * `{"base": "tiny", "lm": {"layers": 2}, ...}` whose keys override the base's
 * (nested one level: vision, perceiver, lm, crossAttn). A key the base does not
 * have is an error, as is a value of another type.
 */
export function resolveModelConfig(model: string | Record<string, unknown>, source = 'training config'): FlamingoConfig {
  if (typeof model === 'string') return wrap(() => getConfig(model), source);
  const { base = 'tiny', ...overrides } = model;
  if (typeof base !== 'string') throw new ConfigError(`${source}: model.base must be a config name`);
  const resolved = structuredClone(wrap(() => getConfig(base), source)) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in resolved)) throw new ConfigError(`${source}: model.${key} is not a model setting (have: ${Object.keys(resolved).join(', ')})`);
    const current = resolved[key];
    if (current !== null && typeof current === 'object') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${source}: model.${key} must be an object`);
      for (const [k, v] of Object.entries(value)) {
        const cur = (current as Record<string, unknown>)[k];
        if (cur === undefined) throw new ConfigError(`${source}: model.${key}.${k} is not a model setting (have: ${Object.keys(current).join(', ')})`);
        if (typeof v !== typeof cur || (typeof v === 'number' && !(Number.isFinite(v) && v > 0))) {
          throw new ConfigError(`${source}: model.${key}.${k} must be a positive ${typeof cur}, got ${JSON.stringify(v)}`);
        }
        (current as Record<string, unknown>)[k] = v;
      }
    } else {
      if (typeof value !== typeof current) throw new ConfigError(`${source}: model.${key} must be a ${typeof current}`);
      resolved[key] = value;
    }
  }
  return resolved as unknown as FlamingoConfig;
}

function wrap<T>(f: () => T, source: string): T {
  try {
    return f();
  } catch (err) {
    throw new ConfigError(`${source}: ${(err as Error).message}`);
  }
}
