/**
 * The built-ins pdf.js' legacy bundle replaces, taken before it loads.
 *
 * The legacy build carries core-js, which swaps process-wide built-ins for
 * its own JavaScript versions whenever Node 20 lacks a newer proposal:
 * JSON.stringify and JSON.parse (for JSON.rawJSON), Array.prototype.push (a
 * V8 length corner case) and Function.prototype.toString (to make the others
 * print as native). Measured on Node 20: JSON.stringify 11x slower and push
 * 2x slower, for every module of the process, not only pdf.js. None of
 * pdf.js' own code needs what the replacements add, so `./load.ts` puts
 * these back once both bundles have run. This module imports nothing, so it
 * runs before them.
 */
export const NATIVES = {
  arrayPush: Array.prototype.push,
  jsonStringify: JSON.stringify,
  jsonParse: JSON.parse,
  functionToString: Function.prototype.toString,
} as const;
