// Validates Kubernetes objects against the OpenAPI schemas that the `kubernetes-models` package ships. That package is
// ESM only and jest runs tests as CommonJS, so the tests run this script in a child `node` process: a JSON array of
// objects on stdin; on stdout a JSON array with, for each object, the schema errors found (empty when it is valid).
// Kinds the package does not know are reported as an error too, so nothing is skipped silently.
const input = await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
});
const objects = JSON.parse(input);
const models = new Map();
const results = [];
for (const object of objects) {
  const group = object.apiVersion.includes('/') ? object.apiVersion : `${object.apiVersion}`;
  const specifier = `kubernetes-models/${group}/${object.kind}`;
  let Model = models.get(specifier);
  if (Model === undefined) {
    try {
      Model = (await import(specifier))[object.kind];
    } catch (e) {
      Model = null;
    }
    models.set(specifier, Model);
  }
  if (!Model) {
    results.push([`kubernetes-models has no model ${specifier}`]);
    continue;
  }
  try {
    new Model(object).validate();
    results.push([]);
  } catch (e) {
    const details = Array.isArray(e.errors) ? e.errors.map((x) => `${x.instancePath || '/'} ${x.message ?? x.keyword}`) : [String(e.message ?? e)];
    results.push(details);
  }
}
process.stdout.write(JSON.stringify(results));
