#!/usr/bin/env node
/**
 * Runs API Extractor over the package's public entry points (package.json "exports"), from the declarations that
 * `npm run build` writes to lib/.
 *
 *   node .api/run.js           compare: exit 1 when an API report is out of date (what CI and the tests do)
 *   node .api/run.js --local   rewrite the reports in .api/ (`npm run api:update`), to commit with the API change
 *
 * test/package/api-report.test.ts calls `runApiReports` the same way.
 */
const path = require('path');
const fs = require('fs');

const ROOT = path.resolve(__dirname, '..');

/** One API report per public entry point: the subpath, its config and the compiled declarations it reads. */
const ENTRY_POINTS = [
  { subpath: '.', config: 'api-extractor.json', declarations: 'lib/constructs/index.d.ts', report: 'cluster-estate.api.md' },
  { subpath: './policies', config: 'api-extractor.policies.json', declarations: 'lib/policies/api.d.ts', report: 'cluster-estate-policies.api.md' },
  { subpath: './estates', config: 'api-extractor.estates.json', declarations: 'lib/stacks/estates/index.d.ts', report: 'cluster-estate-estates.api.md' },
];

const UPDATE_COMMAND = 'npm run api:update';

/**
 * Runs API Extractor for every entry point. `local: true` writes changed reports; otherwise they are only compared.
 * `entryOverride` replaces an entry point's declarations file (tests use a modified copy). Returns one result per entry.
 */
function runApiReports({ local = false, entryOverride = {}, tempFolder } = {}) {
  const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');
  return ENTRY_POINTS.map((entry) => {
    const configPath = path.join(__dirname, entry.config);
    const configObject = ExtractorConfig.loadFile(configPath);
    const declarations = entryOverride[entry.subpath] ?? path.join(ROOT, entry.declarations);
    if (!fs.existsSync(declarations)) throw new Error(`${declarations} does not exist: run \`npm run build\` first`);
    configObject.mainEntryPointFilePath = declarations;
    configObject.compiler = { overrideTsconfig: { ...configObject.compiler.overrideTsconfig, files: [declarations] } };
    if (tempFolder) configObject.apiReport = { ...configObject.apiReport, reportTempFolder: tempFolder };
    const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: configPath, packageJsonFullPath: path.join(ROOT, 'package.json') });
    const messages = [];
    const result = Extractor.invoke(config, {
      localBuild: local,
      showVerboseMessages: false,
      messageCallback: (message) => {
        // Report differences are judged from the result; warnings are kept for the caller, never printed here.
        messages.push(`${message.logLevel} ${message.messageId}: ${message.text}`);
        message.handled = true;
      },
    });
    return {
      subpath: entry.subpath,
      report: path.join(__dirname, entry.report),
      changed: result.apiReportChanged,
      succeeded: result.succeeded,
      errors: result.errorCount,
      messages,
    };
  });
}

module.exports = { runApiReports, ENTRY_POINTS, UPDATE_COMMAND };

if (require.main === module) {
  const local = process.argv.includes('--local');
  const results = runApiReports({ local });
  let failed = false;
  for (const r of results) {
    const rel = path.relative(ROOT, r.report);
    if (r.changed && local) process.stdout.write(`updated ${rel} (${r.subpath}): commit it with the API change\n`);
    else if (r.changed) { failed = true; process.stderr.write(`${rel} is out of date: the public API of cluster-estate${r.subpath === '.' ? '' : r.subpath.slice(1)} changed. Review the change and run \`${UPDATE_COMMAND}\`\n`); }
    else process.stdout.write(`${rel} (${r.subpath}) is up to date\n`);
    if (r.errors > 0) { failed = true; for (const m of r.messages.filter((m) => m.startsWith('error'))) process.stderr.write(`${m}\n`); }
  }
  process.exitCode = failed ? 1 : 0;
}
