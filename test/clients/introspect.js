// Introspection tools on a database holding every relation kind with default
// names (test/clients/introspect_schema.sql, already loaded): DESIGN §4 says
// generated objects never collide once folded the way these tools fold names.
//   - PostGraphile 4 used as a library (createPostGraphileSchema, then graphql
//     execution): the schema builds, and queries through a foreign key, its
//     reverse, a many-to-many through table (with and without extra fields),
//     a lookup view and a self many-to-many return the right rows;
//   - drizzle-kit pull writes TypeScript with no duplicate export that
//     TypeScript (tsc --noEmit, strict) compiles.
// One "ok"/"not ok" line per assertion; test/suites/clients.sh counts them.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { Pool } = require('pg');
const { createPostGraphileSchema } = require('postgraphile');
const { graphql } = require('graphql');

let passed = 0;
let failed = 0;
function report(ok, name, detail) {
  if (ok) { passed++; console.log(`ok - introspect: ${name}`); }
  else { failed++; console.log(`not ok - introspect: ${name}`); if (detail) console.log(`    ${detail}`); }
}
async function check(name, fn) {
  try { await fn(); report(true, name); }
  catch (e) { report(false, name, (e && e.message) || String(e)); }
}

const bin = name => path.join(__dirname, 'node_modules', '.bin', name);

async function postgraphile() {
  const pool = new Pool();
  let schema;
  await check('PostGraphile 4 builds a GraphQL schema (no naming conflict)', async () => {
    schema = await createPostGraphileSchema(pool, 'public', {});
  });
  if (!schema) { await pool.end(); return; }
  const client = await pool.connect();
  const run = async (query) => {
    const r = await graphql(schema, query, null, { pgClient: client });
    if (r.errors) throw new Error(r.errors.map(e => e.message).join('; '));
    return r.data;
  };
  try {
    await check('GraphQL through a foreign key (course -> department)', async () => {
      const d = await run('{ allCourses(orderBy: ID_ASC) { nodes { name departmentByDepartment { name } } } }');
      assert.deepStrictEqual(d.allCourses.nodes.map(n => [n.name, n.departmentByDepartment.name]),
        [['Math', 'Science'], ['Physics', 'Science'], ['History', 'Arts']]);
    });
    await check('GraphQL through the reverse of a foreign key (department -> courses)', async () => {
      const d = await run('{ allDepartments(orderBy: ID_ASC) { nodes { name coursesByDepartment(orderBy: ID_ASC) { nodes { name } } } } }');
      assert.deepStrictEqual(d.allDepartments.nodes.map(n => [n.name, n.coursesByDepartment.nodes.map(c => c.name)]),
        [['Science', ['Math', 'Physics']], ['Arts', ['History']]]);
    });
    await check('GraphQL through the many-to-many through table posts_categories', async () => {
      const d = await run(`{ allPosts(orderBy: ID_ASC) { nodes { title
          postsCategoriesByPost(orderBy: CATEGORY_ASC) { nodes { categoryByCategory { name } } } } } }`);
      assert.deepStrictEqual(d.allPosts.nodes.map(n => [n.title, n.postsCategoriesByPost.nodes.map(c => c.categoryByCategory.name)]),
        [['Hello', ['News', 'Tech']], ['World', ['Tech']]]);
    });
    await check('GraphQL through a many-to-many with an extra through field (students_courses.grade)', async () => {
      const d = await run('{ allStudentsCourses { nodes { grade studentByStudent { name } courseByCourse { name } } } }');
      assert.deepStrictEqual(d.allStudentsCourses.nodes.map(n => [n.studentByStudent.name, n.courseByCourse.name, n.grade]),
        [['Ann', 'Physics', 4]]);
    });
    await check('GraphQL over the lookup view post__categories', async () => {
      const d = await run('{ allPostCategories(orderBy: [SOURCE_PK_ASC, ID_ASC]) { nodes { sourcePk name } } }');
      assert.deepStrictEqual(d.allPostCategories.nodes.map(n => [n.sourcePk, n.name]), [[1, 'News'], [1, 'Tech'], [2, 'Tech']]);
    });
    await check('GraphQL over a self-reference and a self many-to-many (persons_friends)', async () => {
      const d = await run(`{ allPeople(orderBy: ID_ASC) { nodes { name personByBoss { name }
          personsFriendsByFromPerson { nodes { personByToPerson { name } } } } } }`);
      assert.deepStrictEqual(d.allPeople.nodes.map(n => [n.name, n.personByBoss && n.personByBoss.name,
        n.personsFriendsByFromPerson.nodes.map(f => f.personByToPerson.name)]),
        [['Ada', null, ['Bob']], ['Bob', 'Ada', []]]);
    });
    await check('GraphQL through a one-to-one foreign key (badge -> course)', async () => {
      const d = await run('{ allBadges { nodes { id courseByCourse { name } } } }');
      assert.deepStrictEqual(d.allBadges.nodes.map(n => [n.id, n.courseByCourse.name]), [[1, 'Math']]);
    });
  } finally {
    client.release();
    await pool.end();
  }
}

async function drizzle() {
  // inside test/clients, so that tsc finds drizzle-orm in node_modules
  const dir = fs.mkdtempSync(path.join(__dirname, '.drizzle_'));
  const host = process.env.PGHOST || 'localhost';
  const url = `postgresql://${encodeURIComponent(process.env.PGUSER || 'postgres')}@localhost:${process.env.PGPORT || 5432}` +
    `/${encodeURIComponent(process.env.PGDATABASE)}` + (host.startsWith('/') ? `?host=${encodeURIComponent(host)}` : '');
  let schemaTs = '';
  try {
    await check('drizzle-kit pull writes schema.ts and relations.ts', async () => {
      execFileSync(bin('drizzle-kit'), ['pull', '--dialect', 'postgresql', '--url', url, '--out', path.join(dir, 'out')],
        { stdio: 'pipe', timeout: 120000 });
      schemaTs = fs.readFileSync(path.join(dir, 'out', 'schema.ts'), 'utf8');
      assert.ok(fs.existsSync(path.join(dir, 'out', 'relations.ts')));
    });
    await check('schema.ts exports every name once', async () => {
      const names = [...schemaTs.matchAll(/^export const (\w+)/gm)].map(m => m[1]);
      const dup = names.filter((n, i) => names.indexOf(n) !== i);
      assert.ok(names.length > 0, 'no export at all');
      assert.deepStrictEqual(dup, []);
    });
    await check('schema.ts has the through tables as tables and the lookup views as views', async () => {
      for (const [name, kind, sql] of [['postsCategories', 'pgTable', 'posts_categories'],
        ['postCategories', 'pgView', 'post__categories'], ['studentsCourses', 'pgTable', 'students_courses'],
        ['courseStudents', 'pgView', 'course__students'], ['personsFriends', 'pgTable', 'persons_friends'],
        ['personFriends', 'pgView', 'person__friends']])
        assert.ok(schemaTs.includes(`export const ${name} = ${kind}("${sql}"`), `${name} = ${kind}("${sql}")`);
    });
    await check('the pulled TypeScript compiles (tsc --noEmit --strict)', async () => {
      try {
        execFileSync(bin('tsc'), ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022',
          '--module', 'commonjs', '--moduleResolution', 'node',
          path.join(dir, 'out', 'schema.ts'), path.join(dir, 'out', 'relations.ts')],
        { stdio: 'pipe', timeout: 180000 });
      } catch (e) {
        throw new Error(String(e.stdout || '') + String(e.stderr || '') || e.message);
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(async () => {
  await postgraphile();
  await drizzle();
})().catch(e => report(false, 'the test script itself', e.stack))
  .finally(() => { console.log(`${passed} passed, ${failed} failed`); process.exitCode = failed ? 1 : 0; });
