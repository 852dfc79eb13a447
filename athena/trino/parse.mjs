// Reads a JSON array of SQL statements on stdin and prints, as JSON, the
// Trino grammar's syntax errors of each (an empty list: it parses). Used by
// athena's tests; dt-sql-parser is pinned in package-lock.json.
const { TrinoSQL } = await import('dt-sql-parser');

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const parser = new TrinoSQL();
const out = JSON.parse(input).map((sql) =>
  parser.validate(sql).map((e) => `line ${e.startLine}:${e.startColumn} ${e.message}`));
process.stdout.write(JSON.stringify(out));
