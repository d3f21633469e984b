# ormar_pg: PGXS build.  `make && make install`, then `make installcheck`
# against a running server (the README's test command does all of it).

MODULE_big = ormar_pg
OBJS = \
	src/ormar_pg.o \
	src/spi_util.o \
	src/cache.o \
	src/naming.o \
	src/catalog.o \
	src/jsontree.o \
	src/fields.o \
	src/model.o \
	src/describe.o \
	src/ddl.o \
	src/relation.o \
	src/keys.o \
	src/proxy.o \
	src/rowjson.o \
	src/mutate.o \
	src/events.o \
	src/eager.o \
	src/traverse.o \
	src/options.o \
	src/diagram.o \
	src/citus.o \
	src/distribute.o \
	src/adopt.o \
	src/schema.o \
	src/tables.o \
	src/clash.o

EXTENSION = ormar_pg
DATA = ormar_pg--0.1.0.sql ormar_pg--0.2.0.sql ormar_pg--0.1.0--0.2.0.sql
PGFILEDESC = "ormar_pg - ormar relation model in PostgreSQL"

REGRESS = models foreign_keys accessors proxies errors many_to_many self_reference pending define_models traverse drop_model dump_restore fetch security packaging
REGRESS += search_path
REGRESS += diagram
REGRESS += adopt register_schema
REGRESS += bound_params
REGRESS += options bounds
REGRESS += trusted_types role_boundaries
REGRESS += generated_names
REGRESS += review_reads
REGRESS_OPTS = --inputdir=. --outputdir=results
ISOLATION = concurrent_add add_vs_clear declare_declare cache_invalidation declare_vs_proxy
ISOLATION_OPTS = --inputdir=. --outputdir=results

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare

EXTRA_CLEAN = results

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# `make prove`: the pgTAP files test/*.sql (TAP_TESTS, the list .ci/test runs
# too) with pg_prove against the installed extension, each in a fresh
# database tap_<name> made and dropped here, connecting as installcheck does
# (PGHOST, PGPORT, PGUSER).  Needs pgTAP in the server and pg_prove (Debian:
# postgresql-15-pgtap, libtap-parser-sourcehandler-pgtap-perl).  Run from the
# source directory; PROVE_FLAGS=--verbose shows every assertion.
TAP_TESTS = $(sort $(wildcard test/*.sql))
PROVE_FLAGS ?=

.PHONY: prove
prove:
	@failed=""; \
	for f in $(TAP_TESTS); do \
		db=tap_$$(basename "$$f" .sql); \
		PGOPTIONS="$$PGOPTIONS -c client_min_messages=warning" $(bindir)/dropdb --if-exists "$$db" && \
			$(bindir)/createdb "$$db" || exit 1; \
		pg_prove --psql-bin $(bindir)/psql $(PROVE_FLAGS) -d "$$db" "$$f" || failed="$$failed $$f"; \
		$(bindir)/dropdb --if-exists "$$db"; \
	done; \
	if [ -n "$$failed" ]; then echo "make prove: failed:$$failed" >&2; exit 1; fi

# `make dist`: the PGXN release archive, ormar_pg-<version>.zip, made by
# `git archive` from the committed HEAD (commit first).  The version is the
# control file's default_version, which META.json must repeat
# (test/suites/dist.sh checks both and builds the archive).
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(srcdir)/ormar_pg.control)
DIST_FILE ?= $(EXTENSION)-$(EXTVERSION).zip

.PHONY: dist
dist:
	@git diff --quiet HEAD -- || echo "make dist: uncommitted changes are not in the archive (it is made from HEAD)" >&2
	git archive --format=zip --prefix=$(EXTENSION)-$(EXTVERSION)/ -o $(DIST_FILE) HEAD

# PGXS does not track header dependencies (unless PostgreSQL was configured with
# --enable-depend): rebuild every object when any header of src/ changes, so a
# changed struct (OrmarRel, ...) never links against objects built with the old one.
$(OBJS): $(wildcard $(srcdir)/src/*.h)
