"""psycopg 3 (Debian python3-psycopg) calls every ormar_pg API function with
bound parameters, as an application would.  psycopg binds server-side: a
Python int goes as int2, int4 or int8 depending on its value, a str untyped,
a uuid.UUID as uuid, a list of ints as int2[]/int8[], a list of str untyped,
Jsonb as jsonb.  Each key function runs unprepared and prepared
(prepare=True: a named server-side prepared statement), with int, str and
uuid keys.  One "ok"/"not ok" line per assertion; test/suites/clients.sh
counts them.

    PGDATABASE=... /usr/bin/python3 test/clients/psycopg_test.py
"""
import traceback
import uuid

import psycopg
from psycopg.types.json import Jsonb

passed = 0
failed = 0


def report(ok, name, detail=None):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - psycopg: {name}")
    else:
        failed += 1
        print(f"not ok - psycopg: {name}")
        if detail:
            print(f"    {detail}")


def check(name, fn):
    try:
        fn()
        report(True, name)
    except Exception as e:  # noqa: BLE001 - any failure is a failed assertion
        sqlstate = getattr(e, "sqlstate", None)
        report(False, name, f"{sqlstate + ': ' if sqlstate else ''}{type(e).__name__}: {e}")


def fails(name, code, fn):
    try:
        fn()
        report(False, name, f"no error, expected {code}")
    except psycopg.Error as e:
        report(e.sqlstate == code, name, f"got {e.sqlstate}: {e}")


U1 = uuid.UUID("00000000-0000-0000-0000-0000000000b1")
U2 = uuid.UUID("00000000-0000-0000-0000-0000000000b2")


def main():
    conn = psycopg.connect(autocommit=True)

    def rows(prepared, sql, params=()):
        return conn.execute(sql, params, prepare=prepared).fetchall()

    def one(prepared, sql, params=()):
        return conn.execute(sql, params, prepare=prepared).fetchone()

    def types_of(sql, params):
        """The types the server gave the parameters of SQL."""
        conn.execute("DEALLOCATE ALL")
        conn.execute(sql, params, prepare=True).fetchall()
        return one(False, "SELECT parameter_types::text[] FROM pg_prepared_statements")[0]

    conn.execute("SET client_min_messages = warning")
    conn.execute("CREATE EXTENSION IF NOT EXISTS ormar_pg")

    # ---- models and relations, every declaring function with bound parameters
    def define_model():
        r = one(False, "SELECT ormar.define_model(%s, %s)::text",
                ("department", '{"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"}}'))
        assert r[0] == "department", r
    check("define_model(%s, %s)", define_model)

    def define_models():
        r = rows(True, "SELECT m::text FROM ormar.define_models(%s) m ORDER BY 1", (
            '{"course": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},'
            '            "department": {"type": "ForeignKey", "to": "department"}},'
            ' "student": {"id": {"type": "UUID", "primary_key": true}, "name": {"type": "Text"},'
            '             "courses": {"type": "ManyToMany", "to": "course", "related_name": "students",'
            '                         "through_fields": {"grade": {"type": "Integer"}}}},'
            ' "person": {"id": {"type": "Integer", "primary_key": true}, "name": {"type": "Text"},'
            '            "boss": {"type": "ForeignKey", "to": "person", "related_name": "reports"}}}',))
        assert [x[0] for x in r] == ["course", "person", "student"], r
    check("define_models(%s): course, student (uuid key), person (self FK), many-to-many", define_models)

    def register_model():
        conn.execute("CREATE TABLE room (id integer PRIMARY KEY, label text)")
        assert one(False, "SELECT ormar.register_model(%s)::text", ("room",))[0] == "room"
    check("register_model(%s)", register_model)

    def foreign_key_pending():
        one(False, "SELECT ormar.foreign_key(%s, %s, %s, related_name => %s)",
            ("room", "building", "building", "rooms"))
        r = one(False, "SELECT status FROM ormar.relations WHERE model = %s::regclass AND name = %s",
                ("room", "building"))
        assert r[0] == "pending", r
    check("foreign_key(%s, %s, %s, related_name => %s) to a model not defined yet (pending)",
          foreign_key_pending)

    def forward_refs():
        conn.execute("CREATE TABLE building (id integer PRIMARY KEY)")
        conn.execute("SELECT ormar.register_model('building')")
        assert one(True, "SELECT ormar.update_forward_refs(%s)", ("room",))[0] == 0
        r = one(False, "SELECT status FROM ormar.relations WHERE model = %s::regclass AND name = %s",
                ("room", "building"))
        assert r[0] == "resolved", r
    check("update_forward_refs(%s)", forward_refs)

    def many_to_many():
        one(True, "SELECT ormar.many_to_many(%s, %s, %s, through_fields => %s)",
            ("room", "students", "student", '{"note": {"type": "Text"}}'))
        r = one(False, "SELECT through::text FROM ormar.relations WHERE model = %s::regclass AND name = %s",
                ("room", "students"))
        assert r[0] == "rooms_students", r
    check("many_to_many(%s, %s, %s, through_fields => %s) with a uuid target", many_to_many)

    def describe():
        d = one(False, "SELECT ormar.describe(%s)", ("course",))[0]
        assert list(d) == ["id", "name", "department"], d
        assert d["department"]["type"] == "ForeignKey", d
    check("describe(%s) in column order", describe)

    def diagram():
        d = one(True, "SELECT ormar.diagram(%s, %s)", ("dot", "public"))[0]
        assert d.startswith("digraph"), d[:40]
        assert "students_courses" in d
    check("diagram(%s, %s) as Graphviz dot", diagram)

    def register_schema():
        conn.execute("CREATE SCHEMA legacy; CREATE TABLE legacy.author (id integer PRIMARY KEY);"
                     " CREATE TABLE legacy.book (id integer PRIMARY KEY,"
                     " author_id integer REFERENCES legacy.author)")
        r = rows(False, "SELECT model::text, relation, action FROM ormar.register_schema(%s)", ("legacy",))
        acts = [f"{m}/{rel or ''}/{a}" for m, rel, a in r]
        assert any(a.startswith("legacy.book/author/adopted") for a in acts), acts
        assert "legacy.author//registered" in acts, acts
    check("register_schema(%s)", register_schema)

    conn.execute(f"""INSERT INTO department VALUES (1, 'Science'), (2, 'Arts');
        INSERT INTO course VALUES (10, 'Math', 1), (11, 'Physics', 1), (12, 'History', NULL);
        INSERT INTO student VALUES ('{U1}', 'Ann'), ('{U2}', 'Ben');
        INSERT INTO person VALUES (1, 'Ada', NULL), (2, 'Bob', 1), (3, 'Cy', 2), (4, 'Di', 3);
        INSERT INTO building VALUES (7); INSERT INTO room VALUES (70, 'hall', 7)""")

    # what psycopg sends, as the server saw it
    def sent_types():
        t = types_of("SELECT * FROM ormar.fetch_many(%s, %s) f, ormar.related(%s, %s, %s) r",
                     ("department", ["1"], "student", str(U1), "courses"))
        assert t == ["regclass", "text", "regclass", "text", "text"], t
        t = types_of("SELECT * FROM ormar.related(%s, %s, %s) a, ormar.related(%s, %s, %s) b",
                     ("department", 70000, "courses", "student", U1, "courses"))
        assert t == ["regclass", "integer", "text", "regclass", "uuid", "text"], t
        t = types_of("SELECT * FROM ormar.fetch_many(%s, %s)", ("course", [10, 11]))
        assert t == ["regclass", "smallint[]"], t
    check("untyped str and str lists resolve to the text overloads; int4, int2[] and uuid to the \"any\" ones",
          sent_types)

    # ---- the proxies: every key function, unprepared and prepared
    for prepared in (False, True):
        how = "prepared" if prepared else "unprepared"
        conn.execute("""DELETE FROM students_courses; DELETE FROM rooms_students;
            UPDATE course SET department = 1 WHERE id IN (10, 11);
            UPDATE course SET department = NULL WHERE id = 12; DELETE FROM course WHERE id > 12""")

        def related_int():
            r = rows(prepared, "SELECT r FROM ormar.related(%s, %s, %s) r", ("department", 1, "courses"))
            assert [x[0]["id"] for x in r] == [10, 11], r
        check(f"{how}: related with an int key (int2)", related_int)

        def related_bigint():
            r = rows(prepared, "SELECT r FROM ormar.related(%s, %s, %s) r", ("department", 2 ** 33, "courses"))
            assert r == [], r
        fails(f"{how}: related with an int8 key out of the integer range is 42804", "42804", related_bigint)

        def related_str():
            r = rows(prepared, "SELECT r FROM ormar.related(%s, %s, %s) r", ("course", "10", "department"))
            assert [x[0]["name"] for x in r] == ["Science"], r
        check(f"{how}: related with a str key", related_str)

        def add_int_uuid():
            assert one(prepared, "SELECT ormar.add(%s, %s, %s, %s)", ("course", 10, "students", U1))[0] is True
        check(f"{how}: add with an int key and a uuid target", add_int_uuid)

        def add_uuid_str_through():
            assert one(prepared, "SELECT ormar.add(%s, %s, %s, %s, %s)",
                       ("student", U2, "courses", "11", Jsonb({"grade": 5})))[0] is True
        check(f"{how}: add with a uuid key, a str target and through values", add_uuid_str_through)

        def add_str_uuid_again():
            assert one(prepared, "SELECT ormar.add(%s, %s, %s, %s)",
                       ("student", str(U1), "courses", 10))[0] is False
        check(f"{how}: add with a uuid as str and an int target, already linked: false", add_str_uuid_again)

        def add_reverse_fk():
            assert one(prepared, "SELECT ormar.add(%s, %s, %s, %s)", ("department", 2, "courses", 12))[0] is True
            assert one(False, "SELECT department FROM course WHERE id = %s", (12,))[0] == 2
        check(f"{how}: add on a reverse foreign key", add_reverse_fk)

        def related_uuid():
            r = rows(prepared, "SELECT r FROM ormar.related(%s, %s, %s) r", ("student", U2, "courses"))
            assert [(x[0]["id"], x[0]["through"]["grade"]) for x in r] == [(11, 5)], r
        check(f"{how}: related with a uuid key sees the through values", related_uuid)

        def update_through():
            assert one(prepared, "SELECT ormar.update_through(%s, %s, %s, %s, %s)",
                       ("course", 11, "students", str(U2), Jsonb({"grade": 6})))[0] is True
            assert one(False, "SELECT grade FROM students_courses WHERE course = 11")[0] == 6
        check(f"{how}: update_through with an int key and a uuid target as str", update_through)

        def fetch_str():
            f = one(prepared, "SELECT ormar.fetch(%s, %s, %s)", ("department", "1", ["courses__students"]))[0]
            got = [(c["id"], [s["id"] for s in c["students"]]) for c in f["courses"]]
            assert got == [(10, [str(U1)]), (11, [str(U2)])], got
        check(f"{how}: fetch with a str key and a list of include paths", fetch_str)

        def fetch_uuid():
            assert one(prepared, "SELECT ormar.fetch(%s, %s)", ("student", U1))[0]["name"] == "Ann"
        check(f"{how}: fetch with a uuid key", fetch_uuid)

        def fetch_many_ints():
            r = rows(prepared, "SELECT f FROM ormar.fetch_many(%s, %s, %s) f", ("department", [2, 1, 99], ["courses"]))
            got = [(x[0]["id"], [c["id"] for c in x[0]["courses"]]) for x in r]
            assert got == [(2, [12]), (1, [10, 11])], got
        check(f"{how}: fetch_many with a list of ints (int2[]), in the order given", fetch_many_ints)

        def fetch_many_bigints():
            r = rows(prepared, "SELECT f FROM ormar.fetch_many(%s, %s) f", ("department", [1, 2 ** 40]))
            assert [x[0]["id"] for x in r] == [1], r
        fails(f"{how}: fetch_many with an int8 key out of the integer range is 42804", "42804", fetch_many_bigints)

        def fetch_many_strs():
            r = rows(prepared, "SELECT f FROM ormar.fetch_many(%s, %s) f", ("course", ["12", "10"]))
            assert [x[0]["id"] for x in r] == [12, 10], r
        check(f"{how}: fetch_many with a list of str", fetch_many_strs)

        def fetch_many_none():
            rows(prepared, "SELECT f FROM ormar.fetch_many(%s, %s) f", ("course", ["12", None, "10"]))
        fails(f"{how}: fetch_many with a None in the list is 22004", "22004", fetch_many_none)

        def fetch_many_uuids():
            r = rows(prepared, "SELECT f FROM ormar.fetch_many(%s, %s) f", ("student", [U2, U1]))
            assert [x[0]["name"] for x in r] == ["Ben", "Ann"], r
        check(f"{how}: fetch_many with a list of uuid (uuid[])", fetch_many_uuids)

        def traverse():
            r = rows(prepared, "SELECT depth, node FROM ormar.traverse(%s, %s, %s, %s)", ("person", 1, "reports", 2))
            assert [(d, n["name"]) for d, n in r] == [(0, "Ada"), (1, "Bob"), (2, "Cy")], r
        check(f"{how}: traverse with an int key", traverse)

        def traverse_str():
            r = rows(prepared, "SELECT depth, node FROM ormar.traverse(%s, %s, %s)", ("person", "3", "reports"))
            assert [(d, n["name"]) for d, n in r] == [(0, "Cy"), (1, "Di")], r
        check(f"{how}: traverse with a str key", traverse_str)

        def create_fk():
            c = one(prepared, "SELECT ormar.create_related(%s, %s, %s, %s)",
                    ("department", "2", "courses", Jsonb({"id": 13, "name": "Art"})))[0]
            assert (c["id"], c["department"]) == (13, 2), c
        check(f"{how}: create_related on a reverse foreign key, str key", create_fk)

        def create_m2m():
            c = one(prepared, "SELECT ormar.create_related(%s, %s, %s, %s, %s)",
                    ("student", U1, "courses", Jsonb({"id": 14, "name": "Logic"}), Jsonb({"grade": 1})))[0]
            assert c["id"] == 14, c
            assert one(False, "SELECT grade FROM students_courses WHERE course = 14")[0] == 1
        check(f"{how}: create_related on a many-to-many from a uuid key with through values", create_m2m)

        def remove_m2m():
            assert one(prepared, "SELECT ormar.remove(%s, %s, %s, %s)", ("course", 10, "students", U1))[0] is True
        check(f"{how}: remove a many-to-many link, int key and uuid target", remove_m2m)

        def remove_fk_delete():
            assert one(prepared, "SELECT ormar.remove(%s, %s, %s, %s, %s)",
                       ("department", 2, "courses", "13", False))[0] is True
            assert one(False, "SELECT count(*) FROM course WHERE id = 13")[0] == 0
        check(f"{how}: remove on a reverse foreign key with keep_reversed false", remove_fk_delete)

        def clear_uuid():
            assert one(prepared, "SELECT ormar.clear(%s, %s, %s)", ("student", U1, "courses"))[0] == 1
        check(f"{how}: clear with a uuid key", clear_uuid)

        def clear_int():
            assert one(prepared, "SELECT ormar.clear(%s, %s, %s, %s)", ("department", 1, "courses", True))[0] == 2
        check(f"{how}: clear on a reverse foreign key keeping the rows", clear_int)

        bad = [
            ("related", "SELECT * FROM ormar.related(%s, %s, %s)", ("department", "one", "courses")),
            ("related (uuid key given an int)", "SELECT * FROM ormar.related(%s, %s, %s)", ("student", 42, "courses")),
            ("related (int key given a uuid)", "SELECT * FROM ormar.related(%s, %s, %s)", ("department", U1, "courses")),
            ("add (target)", "SELECT ormar.add(%s, %s, %s, %s)", ("course", 10, "students", "not-a-uuid")),
            ("remove", "SELECT ormar.remove(%s, %s, %s, %s)", ("student", "x", "courses", 10)),
            ("clear", "SELECT ormar.clear(%s, %s, %s)", ("department", "1.5", "courses")),
            ("create_related", "SELECT ormar.create_related(%s, %s, %s, %s)", ("department", "x", "courses", Jsonb({}))),
            ("update_through", "SELECT ormar.update_through(%s, %s, %s, %s, %s)", ("course", 11, "students", 5, Jsonb({}))),
            ("fetch", "SELECT ormar.fetch(%s, %s)", ("student", "x")),
            ("fetch_many (list of str)", "SELECT * FROM ormar.fetch_many(%s, %s)", ("department", ["1", "x"])),
            ("fetch_many (list of int for a uuid key)", "SELECT * FROM ormar.fetch_many(%s, %s)", ("student", [1])),
            ("traverse", "SELECT * FROM ormar.traverse(%s, %s, %s)", ("person", "x", "reports")),
        ]
        for what, sql, params in bad:
            fails(f"{how}: {what} with a key that does not convert is 42804", "42804",
                  lambda sql=sql, params=params: rows(prepared, sql, params))

    # ---- dropping, with bound parameters
    def drop_relation():
        one(False, "SELECT ormar.drop_relation(%s, %s, %s)", ("room", "students", True))
        assert one(False, "SELECT to_regclass(%s)", ("rooms_students",))[0] is None
    check("drop_relation(%s, %s, %s)", drop_relation)

    def drop_model():
        one(True, "SELECT ormar.drop_model(%s, %s)", ("building", True))
        assert one(False, "SELECT count(*) FROM ormar.models WHERE model = %s::regclass", ("building",))[0] == 0
    check("drop_model(%s, %s)", drop_model)
    conn.close()


try:
    main()
except Exception:  # noqa: BLE001
    report(False, "the test script itself", traceback.format_exc())
print(f"{passed} passed, {failed} failed")
raise SystemExit(1 if failed else 0)
