// node-postgres (npm `pg`) calls every ormar_pg API function with bound
// parameters, the way an application would: pg sends every parameter
// untyped (OID 0, text format), JS arrays as array literals.  Each key
// function runs unprepared (unnamed statement) and prepared (named
// statement), with integer, string and uuid keys.  One "ok"/"not ok" line per
// assertion; test/suites/clients.sh counts them.
//
//   PGDATABASE=... node test/clients/node_pg.js
'use strict';
const { Client } = require('pg');
const assert = require('assert');

let passed = 0;
let failed = 0;
function report(ok, name, detail) {
  if (ok) { passed++; console.log(`ok - node-pg: ${name}`); }
  else { failed++; console.log(`not ok - node-pg: ${name}`); if (detail) console.log(`    ${detail}`); }
}
async function check(name, fn) {
  try { await fn(); report(true, name); }
  catch (e) { report(false, name, (e && (e.code ? `${e.code}: ` : '') + e.message) || String(e)); }
}
// the call must fail with SQLSTATE code
async function fails(name, code, fn) {
  try { await fn(); report(false, name, `no error, expected ${code}`); }
  catch (e) { report(e.code === code, name, `got ${e.code}: ${e.message}`); }
}

const U1 = '00000000-0000-0000-0000-0000000000a1';
const U2 = '00000000-0000-0000-0000-0000000000a2';
const U3 = '00000000-0000-0000-0000-0000000000a3';

async function main() {
  const c = new Client();
  await c.connect();
  let stmt = 0;
  // one call: unprepared, or as a named prepared statement run twice (the
  // second execution uses the server's cached plan for that statement)
  const call = async (prepared, text, values) => {
    if (!prepared) return (await c.query(text, values)).rows;
    const name = `ormar_stmt_${++stmt}`;
    return (await c.query({ name, text, values })).rows;
  };
  const one = async (p, text, values) => (await call(p, text, values))[0];

  await c.query('SET client_min_messages = warning');
  await c.query('CREATE EXTENSION IF NOT EXISTS ormar_pg');

  // ---- models and relations, every declaring function with bound parameters
  await check('define_model($1, $2) with a JSON field spec', async () => {
    const r = await one(false, 'SELECT ormar.define_model($1, $2)::text AS m',
      ['department', JSON.stringify({ id: { type: 'Integer', primary_key: true }, name: { type: 'Text' } })]);
    assert.strictEqual(r.m, 'department');
  });
  await check('define_models($1): course, student (uuid key), person (self FK), many-to-many', async () => {
    const rows = await call(true, 'SELECT m::text FROM ormar.define_models($1) m ORDER BY 1', [JSON.stringify({
      course: { id: { type: 'Integer', primary_key: true }, name: { type: 'Text' },
                department: { type: 'ForeignKey', to: 'department' } },
      student: { id: { type: 'UUID', primary_key: true }, name: { type: 'Text' },
                 courses: { type: 'ManyToMany', to: 'course', related_name: 'students',
                            through_fields: { grade: { type: 'Integer' } } } },
      person: { id: { type: 'Integer', primary_key: true }, name: { type: 'Text' },
                boss: { type: 'ForeignKey', to: 'person', related_name: 'reports' } },
    })]);
    assert.deepStrictEqual(rows.map(r => r.m), ['course', 'person', 'student']);
  });
  await check('register_model($1) of an existing table', async () => {
    await c.query('CREATE TABLE room (id integer PRIMARY KEY, label text)');
    const r = await one(false, 'SELECT ormar.register_model($1)::text AS m', ['room']);
    assert.strictEqual(r.m, 'room');
  });
  await check('foreign_key($1, $2, $3, related_name => $4) declared before its target exists (pending)', async () => {
    await call(false, 'SELECT ormar.foreign_key($1, $2, $3, related_name => $4)',
      ['room', 'building', 'building', 'rooms']);
    const r = await one(false, 'SELECT status FROM ormar.relations WHERE model = $1::regclass AND name = $2',
      ['room', 'building']);
    assert.strictEqual(r.status, 'pending');
  });
  await check('update_forward_refs($1) after the target is defined', async () => {
    await c.query('CREATE TABLE building (id integer PRIMARY KEY)');
    await c.query("SELECT ormar.register_model('building')");
    const r = await one(true, 'SELECT ormar.update_forward_refs($1) AS n', ['room']);
    assert.strictEqual(r.n, 0);  // already built when building was registered
    const s = await one(false, 'SELECT status FROM ormar.relations WHERE model = $1::regclass AND name = $2',
      ['room', 'building']);
    assert.strictEqual(s.status, 'resolved');
  });
  await check('many_to_many($1, $2, $3, through_fields => $4) with a uuid target', async () => {
    await call(true, 'SELECT ormar.many_to_many($1, $2, $3, through_fields => $4)',
      ['room', 'students', 'student', JSON.stringify({ note: { type: 'Text' } })]);
    const r = await one(false, 'SELECT through::text FROM ormar.relations WHERE model = $1::regclass AND name = $2',
      ['room', 'students']);
    assert.strictEqual(r.through, 'rooms_students');
  });
  await check('describe($1) returns the fields in column order', async () => {
    const r = await one(false, 'SELECT ormar.describe($1) AS d', ['course']);
    assert.deepStrictEqual(Object.keys(r.d), ['id', 'name', 'department']);
    assert.strictEqual(r.d.department.type, 'ForeignKey');
  });
  await check('diagram($1, $2) as Mermaid', async () => {
    const r = await one(true, 'SELECT ormar.diagram($1, $2) AS d', ['mermaid', 'public']);
    assert.ok(r.d.startsWith('erDiagram'), r.d.slice(0, 40));
    assert.ok(r.d.includes('students_courses'), 'through table in the diagram');
  });
  await check('register_schema($1) takes over a schema with a foreign key', async () => {
    await c.query(`CREATE SCHEMA legacy;
      CREATE TABLE legacy.author (id integer PRIMARY KEY);
      CREATE TABLE legacy.book (id integer PRIMARY KEY, author_id integer REFERENCES legacy.author)`);
    const rows = await call(false,
      'SELECT model::text, relation, action FROM ormar.register_schema($1) ORDER BY 1, 2 NULLS FIRST', ['legacy']);
    const actions = rows.map(r => `${r.model}/${r.relation || ''}/${r.action}`);
    assert.ok(actions.some(a => a.startsWith('legacy.book/author/adopted')), actions.join(', '));
    assert.ok(actions.includes('legacy.author//registered'), actions.join(', '));
  });

  await c.query(`INSERT INTO department VALUES (1, 'Science'), (2, 'Arts');
    INSERT INTO course VALUES (10, 'Math', 1), (11, 'Physics', 1), (12, 'History', NULL);
    INSERT INTO student VALUES ('${U1}', 'Ann'), ('${U2}', 'Ben');
    INSERT INTO person VALUES (1, 'Ada', NULL), (2, 'Bob', 1), (3, 'Cy', 2), (4, 'Di', 3);
    INSERT INTO building VALUES (7); INSERT INTO room VALUES (70, 'hall', 7)`);

  // ---- the proxies: every key function, unprepared and prepared
  for (const prepared of [false, true]) {
    const how = prepared ? 'prepared' : 'unprepared';
    await c.query(`DELETE FROM students_courses; DELETE FROM rooms_students;
      UPDATE course SET department = 1 WHERE id IN (10, 11); UPDATE course SET department = NULL WHERE id = 12;
      DELETE FROM course WHERE id > 12`);

    await check(`${how}: related($1, $2, $3) with a number key`, async () => {
      const rows = await call(prepared, 'SELECT r FROM ormar.related($1, $2, $3) r', ['department', 1, 'courses']);
      assert.deepStrictEqual(rows.map(x => x.r.id), [10, 11]);
    });
    await check(`${how}: related($1, $2, $3) with a string key`, async () => {
      const rows = await call(prepared, 'SELECT * FROM ormar.related($1, $2, $3)', ['course', '10', 'department']);
      assert.deepStrictEqual(rows.map(x => x.related.name), ['Science']);
    });
    await check(`${how}: add($1, $2, $3, $4) integer key, uuid target`, async () => {
      const r = await one(prepared, 'SELECT ormar.add($1, $2, $3, $4) AS a', ['course', 10, 'students', U1]);
      assert.strictEqual(r.a, true);
    });
    await check(`${how}: add($1, $2, $3, $4, $5) uuid key, string target, through values`, async () => {
      const r = await one(prepared, 'SELECT ormar.add($1, $2, $3, $4, $5) AS a',
        ['student', U2, 'courses', '11', JSON.stringify({ grade: 5 })]);
      assert.strictEqual(r.a, true);
    });
    await check(`${how}: add again returns false`, async () => {
      const r = await one(prepared, 'SELECT ormar.add($1, $2, $3, $4) AS a', ['student', U1, 'courses', 10]);
      assert.strictEqual(r.a, false);
    });
    await check(`${how}: add($1, $2, $3, $4) reverse foreign key`, async () => {
      const r = await one(prepared, 'SELECT ormar.add($1, $2, $3, $4) AS a', ['department', 2, 'courses', 12]);
      assert.strictEqual(r.a, true);
      const d = await one(false, 'SELECT department FROM course WHERE id = $1', [12]);
      assert.strictEqual(d.department, 2);
    });
    await check(`${how}: related($1, $2, $3) with a uuid key sees the through values`, async () => {
      const rows = await call(prepared, 'SELECT r FROM ormar.related($1, $2, $3) r', ['student', U2, 'courses']);
      assert.deepStrictEqual(rows.map(x => [x.r.id, x.r.through.grade]), [[11, 5]]);
    });
    await check(`${how}: update_through($1, $2, $3, $4, $5)`, async () => {
      const r = await one(prepared, 'SELECT ormar.update_through($1, $2, $3, $4, $5) AS u',
        ['course', 11, 'students', U2, JSON.stringify({ grade: 6 })]);
      assert.strictEqual(r.u, true);
      const g = await one(false, 'SELECT grade FROM students_courses WHERE course = $1 AND student = $2', [11, U2]);
      assert.strictEqual(g.grade, 6);
    });
    await check(`${how}: fetch($1, $2, $3) with a JS array of include paths`, async () => {
      const r = await one(prepared, 'SELECT ormar.fetch($1, $2, $3) AS f', ['department', '1', ['courses__students']]);
      assert.deepStrictEqual(r.f.courses.map(x => [x.id, x.students.map(s => s.id)]), [[10, [U1]], [11, [U2]]]);
    });
    await check(`${how}: fetch($1, $2) with a uuid key`, async () => {
      const r = await one(prepared, 'SELECT ormar.fetch($1, $2) AS f', ['student', U1]);
      assert.strictEqual(r.f.name, 'Ann');
    });
    await check(`${how}: fetch_many($1, $2, $3) with a JS array of numbers, in the order given`, async () => {
      const rows = await call(prepared, 'SELECT f FROM ormar.fetch_many($1, $2, $3) f',
        ['department', [2, 1, 99], ['courses']]);
      assert.deepStrictEqual(rows.map(x => [x.f.id, x.f.courses.map(y => y.id)]), [[2, [12]], [1, [10, 11]]]);
    });
    await check(`${how}: fetch_many($1, $2) with a JS array of uuid strings`, async () => {
      const rows = await call(prepared, 'SELECT f FROM ormar.fetch_many($1, $2) f', ['student', [U2, U1]]);
      assert.deepStrictEqual(rows.map(x => x.f.name), ['Ben', 'Ann']);
    });
    await check(`${how}: traverse($1, $2, $3, $4)`, async () => {
      const rows = await call(prepared, 'SELECT depth, node FROM ormar.traverse($1, $2, $3, $4)',
        ['person', 1, 'reports', 2]);
      assert.deepStrictEqual(rows.map(x => [x.depth, x.node.name]), [[0, 'Ada'], [1, 'Bob'], [2, 'Cy']]);
    });
    await check(`${how}: create_related($1, $2, $3, $4) reverse foreign key`, async () => {
      const r = await one(prepared, 'SELECT ormar.create_related($1, $2, $3, $4) AS c',
        ['department', '2', 'courses', JSON.stringify({ id: 13, name: 'Art' })]);
      assert.deepStrictEqual([r.c.id, r.c.department], [13, 2]);
    });
    await check(`${how}: create_related($1, $2, $3, $4, $5) many-to-many from a uuid key`, async () => {
      const r = await one(prepared, 'SELECT ormar.create_related($1, $2, $3, $4, $5) AS c',
        ['student', U1, 'courses', JSON.stringify({ id: 14, name: 'Logic' }), JSON.stringify({ grade: 1 })]);
      assert.strictEqual(r.c.id, 14);
      const g = await one(false, 'SELECT grade FROM students_courses WHERE course = 14');
      assert.strictEqual(g.grade, 1);
    });
    await check(`${how}: remove($1, $2, $3, $4) many-to-many`, async () => {
      const r = await one(prepared, 'SELECT ormar.remove($1, $2, $3, $4) AS r', ['course', '10', 'students', U1]);
      assert.strictEqual(r.r, true);
    });
    await check(`${how}: remove($1, $2, $3, $4, $5) reverse foreign key, keep_reversed false`, async () => {
      const r = await one(prepared, 'SELECT ormar.remove($1, $2, $3, $4, $5) AS r', ['department', 2, 'courses', 13, false]);
      assert.strictEqual(r.r, true);
      const n = await one(false, 'SELECT count(*)::int AS n FROM course WHERE id = $1', [13]);
      assert.strictEqual(n.n, 0);
    });
    await check(`${how}: clear($1, $2, $3) with a uuid key`, async () => {
      const r = await one(prepared, 'SELECT ormar.clear($1, $2, $3) AS n', ['student', U1, 'courses']);
      assert.strictEqual(r.n, '1');  // bigint arrives as a string
    });
    await check(`${how}: clear($1, $2, $3, $4) reverse foreign key keeping the rows`, async () => {
      const r = await one(prepared, 'SELECT ormar.clear($1, $2, $3, $4) AS n', ['department', 1, 'courses', true]);
      assert.strictEqual(r.n, '2');
    });

    // keys that do not convert: 42804 from every function, never 42P18
    const bad = [
      ['related', 'SELECT * FROM ormar.related($1, $2, $3)', ['department', 'one', 'courses']],
      ['related (uuid key given a number)', 'SELECT * FROM ormar.related($1, $2, $3)', ['student', 42, 'courses']],
      ['add (target)', 'SELECT ormar.add($1, $2, $3, $4)', ['course', 10, 'students', 'not-a-uuid']],
      ['remove', 'SELECT ormar.remove($1, $2, $3, $4)', ['student', 'x', 'courses', 10]],
      ['clear', 'SELECT ormar.clear($1, $2, $3)', ['department', '1.5', 'courses']],
      ['create_related', 'SELECT ormar.create_related($1, $2, $3, $4)', ['department', 'x', 'courses', '{}']],
      ['update_through', 'SELECT ormar.update_through($1, $2, $3, $4, $5)', ['course', 11, 'students', 'x', '{}']],
      ['fetch', 'SELECT ormar.fetch($1, $2)', ['student', 'x']],
      ['fetch_many', 'SELECT * FROM ormar.fetch_many($1, $2)', ['department', [1, 'x']]],
      ['fetch_many (not an array)', 'SELECT * FROM ormar.fetch_many($1, $2)', ['department', '1']],
      ['traverse', 'SELECT * FROM ormar.traverse($1, $2, $3)', ['person', 'x', 'reports']],
    ];
    for (const [what, text, values] of bad)
      await fails(`${how}: ${what} with a key that does not convert is 42804`, '42804', () => call(prepared, text, values));
  }

  // ---- dropping, with bound parameters
  await check('drop_relation($1, $2, $3)', async () => {
    await call(false, 'SELECT ormar.drop_relation($1, $2, $3)', ['room', 'students', true]);
    const r = await one(false, 'SELECT to_regclass($1) AS t', ['rooms_students']);
    assert.strictEqual(r.t, null);
  });
  await check('drop_model($1, $2)', async () => {
    await call(true, 'SELECT ormar.drop_model($1, $2)', ['building', true]);
    const r = await one(false, 'SELECT count(*)::int AS n FROM ormar.models WHERE model = $1::regclass', ['building']);
    assert.strictEqual(r.n, 0);
  });

  await c.end();
}

main().catch(e => { report(false, 'the test script itself', e.stack); })
  .finally(() => { console.log(`${passed} passed, ${failed} failed`); process.exitCode = failed ? 1 : 0; });
