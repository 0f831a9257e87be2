// Lint every *.md file of FOLDER with eipw-lint-js, as eipw's own command does over a folder.
//
//     node eipw-folder.js PACKAGE_DIR FOLDER
//
// Prints each report; exits 1 when any report is an error, 2 when the linter fails.
"use strict";

const { readdirSync } = require("node:fs");
const { join } = require("node:path");

const [packageDir, folder] = process.argv.slice(2);
const { lint } = require(packageDir);
const sources = readdirSync(folder)
  .filter((name) => name.endsWith(".md"))
  .sort()
  .map((name) => join(folder, name));

lint(sources).then(
  (reports) => {
    for (const report of reports) console.log(report.formatted);
    const errors = reports.filter((report) => report.formatted.startsWith("error")).length;
    console.error(`${sources.length} files: ${reports.length} reports, ${errors} errors`);
    process.exitCode = errors ? 1 : 0;
  },
  (failure) => {
    console.error(String(failure));
    process.exitCode = 2;
  },
);
