import { flamingo, resolveModelConfigArg, UsageError } from './model-config-arg.js';

export interface PlanCommandOptions {
  config: string;
  tokens: string;
  images: string;
  batch: string;
  accumulation: string;
  deviceMemory: string;
  json?: boolean;
}

const gb = (n: number): string => `${(n / 1e9).toFixed(2)} GB`;

const VARIANTS = [
  { label: 'fp32 AdamW state, all activations kept', activationCheckpointing: false, optimizerBits: 32 },
  { label: 'fp32 AdamW state, activation checkpointing', activationCheckpointing: true, optimizerBits: 32 },
  { label: '8-bit AdamW state, all activations kept', activationCheckpointing: false, optimizerBits: 8 },
  { label: '8-bit AdamW state, activation checkpointing', activationCheckpointing: true, optimizerBits: 8 },
] as const;

/** `mtb model plan`: memory per group in the four settings (checkpointing off/on x fp32/8-bit optimizer state) against the device. */
export async function runPlan(opts: PlanCommandOptions): Promise<string> {
  const f = await flamingo();
  const { config } = await resolveModelConfigArg(opts.config, []);
  const num = (v: string, what: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${what} ${v}: expected a whole number >= 1`);
    return n;
  };
  let device: number;
  try {
    device = f.parseByteSize(opts.deviceMemory, '--device-memory');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const shape = { tokens: num(opts.tokens, 'tokens'), images: num(opts.images, 'images'), batch: num(opts.batch, 'batch'), accumulation: num(opts.accumulation, 'accumulation') };
  const plans = VARIANTS.map((v) => ({ ...v, plan: f.memoryPlan(config, { ...shape, activationCheckpointing: v.activationCheckpointing, optimizerBits: v.optimizerBits }) }));
  if (opts.json) {
    return `${JSON.stringify({ config: config.name, ...shape, deviceBytes: device, plans: plans.map((p) => ({ label: p.label, ...p.plan, fits: p.plan.total.all <= device })) }, null, 2)}\n`;
  }
  const w = 12;
  const row = (name: string, a: number, b: number, c: number, d: number): string => `  ${name.padEnd(11)}${gb(a).padStart(w)}${gb(b).padStart(w)}${gb(c).padStart(w)}${gb(d).padStart(w)}`;
  const lines: string[] = [
    `One training step of ${config.name}: ${shape.tokens} tokens, ${shape.images} images, batch ${shape.batch}, accumulation ${shape.accumulation}; float32; against ${gb(device)}.`,
    'Activations: what TensorFlow.js keeps from the forward pass for the backward pass (the frozen vision tower runs outside it).',
    'Trained: perceiver, cross-attention and the <image> / <|endofchunk|> embedding rows; with accumulation the gradient sum is held too.',
    '',
  ];
  for (const p of plans) {
    const t = p.plan.total;
    lines.push(`${p.label}:`, `  ${'group'.padEnd(11)}${'weights'.padStart(w)}${'gradients'.padStart(w)}${'optimizer'.padStart(w)}${'activations'.padStart(w)}`);
    for (const g of p.plan.groups) lines.push(row(g.group, g.weights, g.gradients, g.optimizer, g.activations));
    lines.push(row('total', t.weights, t.gradients, t.optimizer, t.activations));
    lines.push(`  transient: ${p.plan.transient.map((x) => `${x.name} ${gb(x.bytes)}`).join('; ')}`);
    lines.push(`  peak ${gb(t.all)}: ${t.all <= device ? `fits ${gb(device)}` : `does NOT fit ${gb(device)} (${gb(t.all - device)} over)`}`, '');
  }
  lines.push('The 8-bit state is held in host memory by this implementation (TensorFlow.js has no 8-bit tensors); it is counted here as if on the device.');
  return `${lines.join('\n')}\n`;
}
