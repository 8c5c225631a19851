// Runs the page's search script (themes/default/js/search.js) under Node on the static
// index files of a built site, for every query in a JSON file, and prints the result sets.
// Usage: node parity.js SITE_DIR QUERIES.json
"use strict";
const fs = require("fs");
const path = require("path");
const { search } = require(path.join(__dirname, "../../themes/default/js/search.js"));

async function main() {
  const [site, queriesFile] = process.argv.slice(2);
  const queries = JSON.parse(fs.readFileSync(queriesFile, "utf8"));
  const out = [];
  for (const q of queries) {
    // Like the page's fetch: a missing file is null.
    const read = (name) => {
      const file = path.join(site, "search/data", name);
      return fs.existsSync(file) ? fs.readFileSync(file) : null;
    };
    const load = async (name) => { const b = read(name); return b && b.toString("utf8"); };
    // All results, for comparing with the server.
    const r = await search(Object.assign({ all: true }, q), load);
    // Bytes a browser fetches for this query as a first query (its first page only).
    let bytes = 0;
    const counting = async (name) => {
      const b = read(name);
      bytes += b ? b.length : 0;
      return b && b.toString("utf8");
    };
    await search(q, counting);
    out.push({ ids: r.hits.map((d) => d.k + ":" + d.i), bytes });
  }
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
