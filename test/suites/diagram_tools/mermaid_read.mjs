// Reads a Mermaid text on stdin with Mermaid's own parser and prints what it
// understood, as JSON: {"entities": {label: [[type, name, keys, comment]...]},
// "relationships": [[a, cardinality near a, line, cardinality near b, b, role]...]}.
// Exit status 1 with the parser's message when Mermaid rejects the text.
import mermaid from 'mermaid';

let text = '';
for await (const chunk of process.stdin) text += chunk;
try {
  await mermaid.parse(text);
} catch (e) {
  console.log('mermaid rejects the text: ' + e.message);
  process.exit(1);
}
const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
const db = diagram.db;
const entities = db.getEntities();
const byId = {};
const out = { entities: {}, relationships: [] };
for (const e of entities instanceof Map ? entities.values() : Object.values(entities)) {
  byId[e.id] = e.label;
  out.entities[e.label] = e.attributes.map(a => [a.type, a.name, a.keys.join(','), a.comment]);
}
// Mermaid stores the marker written next to entityA as cardB and the one next
// to entityB as cardA; put them back next to their entities.
for (const r of db.getRelationships()) {
  out.relationships.push([byId[r.entityA], r.relSpec.cardB, r.relSpec.relType,
                          r.relSpec.cardA, byId[r.entityB], r.roleA]);
}
console.log(JSON.stringify(out));
