/**
 * One cold engine run, in a fresh process started by engine.ts: loads the catalog, analyses one
 * generated template once and prints the timings as JSON. Modules are imported before the clock
 * starts, so transpiling (tsx) is not counted; lazy service loading during the first run is.
 */
import { analyze, Catalog } from '../server/src/analysis';
import { fileCatalogSource } from '../server/src/node/catalog-files';
import { generateTemplate, type TemplateFormat } from './generate';

const [format, lines] = process.argv.slice(2);
if ((format !== 'json' && format !== 'yaml') || !lines) {
  throw new Error('usage: engine-cold.ts json|yaml LINES');
}
const text = generateTemplate({ lines: Number(lines), format: format as TemplateFormat });

const start = performance.now();
const catalog = new Catalog(fileCatalogSource());
const loaded = performance.now();
const analysis = analyze(text, { catalog, fileName: `bench.${format}` });
const done = performance.now();

process.stdout.write(
  `${JSON.stringify({
    catalogMs: loaded - start,
    firstMs: done - loaded,
    findings: analysis.findings.length,
  })}\n`,
);
