import { CONFIGS, countParameters, getConfig, parameterShapes, crossAttnLayerIndices } from '../src/index.js';

describe('parameter counts from shapes (openflamingo-9b)', () => {
  const c = countParameters(CONFIGS['openflamingo-9b']);
  it('match the OpenFlamingo / Med-Flamingo figures exactly', () => {
    expect(c.perceiver).toBe(63_019_008);
    expect(c.crossAttn).toBe(1_115_815_952);
    expect(c.crossAttnBlocks).toBe(8);
    expect(c.crossAttnPerBlock).toBe(139_476_994);
    expect(c.trainable).toBe(1_309_919_248);
    expect(c.totalWithFullClip).toBe(8_344_891_665);
    expect(c.total).toBe(8_221_241_360);
    expect(c.languageModel).toBe(6_738_440_192);
    expect(c.visionTower).toBe(303_966_208);
    expect(c.clipFull).toBe(427_616_513);
  });

  it('places the 8 blocks before layers 3, 7, ..., 31 under their ModuleList index', () => {
    expect(crossAttnLayerIndices(CONFIGS['openflamingo-9b'])).toEqual([3, 7, 11, 15, 19, 23, 27, 31]);
    const names = parameterShapes(CONFIGS['openflamingo-9b']).map((p) => p.name);
    expect(names).toContain('lang_encoder.gated_cross_attn_layers.31.attn.to_kv.weight');
    expect(names).not.toContain('lang_encoder.gated_cross_attn_layers.0.attn_gate');
  });
});

describe('parameterShapes', () => {
  const shapes = parameterShapes(CONFIGS['openflamingo-9b']);
  const byName = new Map(shapes.map((p) => [p.name, p]));
  it('uses OpenFlamingo state_dict names and PyTorch layouts', () => {
    expect(byName.get('perceiver.latents')?.shape).toEqual([64, 1024]);
    expect(byName.get('perceiver.layers.0.0.to_q.weight')?.shape).toEqual([512, 1024]);
    expect(byName.get('perceiver.layers.5.0.to_kv.weight')?.shape).toEqual([1024, 1024]);
    expect(byName.get('perceiver.layers.0.1.1.weight')?.shape).toEqual([4096, 1024]);
    expect(byName.get('perceiver.layers.0.1.3.weight')?.shape).toEqual([1024, 4096]);
    expect(byName.get('lang_encoder.gated_cross_attn_layers.3.attn.to_q.weight')?.shape).toEqual([512, 4096]);
    expect(byName.get('lang_encoder.gated_cross_attn_layers.3.attn_gate')?.shape).toEqual([1]);
    expect(byName.get('lang_encoder.gated_cross_attn_layers.3.ff.1.weight')?.shape).toEqual([16384, 4096]);
    expect(byName.get('lang_encoder.model.layers.0.decoder_layer.mlp.gate_proj.weight')?.shape).toEqual([11008, 4096]);
    expect(byName.get('lang_encoder.model.embed_tokens.weight')?.shape).toEqual([32003, 4096]);
    expect(byName.get('vision_encoder.conv1.weight')?.shape).toEqual([1024, 3, 14, 14]);
    expect(byName.get('vision_encoder.positional_embedding')?.shape).toEqual([257, 1024]);
    expect(byName.get('vision_encoder.transformer.resblocks.23.attn.in_proj_weight')?.shape).toEqual([3072, 1024]);
  });
  it('marks exactly perceiver, cross-attention and the input embedding trainable', () => {
    const trainable = shapes.filter((p) => p.trainable).map((p) => p.name);
    expect(trainable.every((n) => n.startsWith('perceiver.') || n.startsWith('lang_encoder.gated_cross_attn_layers.') || n === 'lang_encoder.model.embed_tokens.weight')).toBe(true);
    expect(byName.get('lang_encoder.lm_head.weight')?.trainable).toBe(false);
    expect(new Set(shapes.map((p) => p.name)).size).toBe(shapes.length);
  });
});

describe('getConfig', () => {
  it('names the configs on an unknown name', () => {
    expect(getConfig('tiny').lm.vocabSize).toBe(32003);
    expect(() => getConfig('huge')).toThrow(/tiny, small, openflamingo-9b/);
  });
  it('every config takes the loader\'s 224 x 224 images', () => {
    for (const c of Object.values(CONFIGS)) expect(c.vision.imageSize % c.vision.patchSize === 0 && c.vision.imageSize === 224).toBe(true);
  });
});
