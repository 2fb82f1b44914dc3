/**
 * Loads a weights file into a FlamingoModel on the CPU backend in a fresh
 * process and prints {ms, maxRssMB} as JSON: the peak RSS of this process is
 * the load's own. Argv: <weights path> <config JSON>.
 */
import { FlamingoModel, parseFlamingoConfig, selectBackend } from '@mtb/flamingo';

const [file, configJson] = process.argv.slice(2);
await selectBackend('cpu');
const config = parseFlamingoConfig(JSON.parse(configJson!), 'argv');
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const model = FlamingoModel.fromFiles(config, [file!], { strict: true });
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, rssBeforeMB: rssBefore / 2 ** 20, parameters: model.parameterCount() })}\n`);
model.dispose();
