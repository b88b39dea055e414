# listpipe - Postfix pipe(8) filter for mailing lists, and listctl.
#
#   make            build ./listpipe and ./listctl
#   make deps       install the Debian packages they need (as root)
#   make check      unit, integration and corpus tests, plain and under
#                   AddressSanitizer/UBSan: fast, no root, no installs
#   make test       everything: check, man page lint, fuzzing and the
#                   Postfix end-to-end suite, installing what is missing
#   make demo       see it work on the embedded defaults
#   make install    PREFIX=/usr/local
#
# Layout (README): src/common, src/mail, src/db and src/list make one library,
# build/liblistpipe.a, that both programs, the tests and the fuzzer link;
# src/listpipe and src/listctl are the two programs.

CC	?= cc
SHELL	= /bin/bash
PREFIX	?= /usr/local
PKGS	= gmime-3.0 sqlite3 libpsl
CSTD	= -std=c11 -D_GNU_SOURCE
WARN	= -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wno-unused-parameter
CFLAGS	?= -O2 -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Isrc -MMD -MP \
	     $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS	= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lresolv
# The two programs link GMime, GLib and SQLite statically where Debian
# ships the archives (the -dev packages do): a delivery then maps 12
# shared libraries instead of 21 and the loader's symbol relocations
# shrink, a quarter of a run's instructions (docs/BENCHMARKS.md).  What
# has no archive (gpgme, libunistring, libmount) stays shared.
# make STATIC= links everything shared, as the tests and fuzzers do.
STATIC	?= $(if $(wildcard /usr/lib/*/libgmime-3.0.a),yes)
STATIC_LIBS = -Wl,-Bstatic -lgmime-3.0 -lgio-2.0 -lgobject-2.0 -lgmodule-2.0 \
	      -lglib-2.0 -lsqlite3 -lpsl -lpcre2-8 -lffi -lz -lidn2 -lgpg-error \
	      -lblkid -lselinux -Wl,-Bdynamic -lgpgme -lunistring -lmount \
	      -lsepol -lresolv -lm -ldl -pthread
PROG_LIBS = $(if $(STATIC),$(STATIC_LIBS),$(LIBS))
SAN	= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC	= $(wildcard src/common/*.c src/mail/*.c src/db/*.c src/list/*.c)
LP_SRC	= $(wildcard src/listpipe/*.c)
CTL_SRC	= $(wildcard src/listctl/*.c)

# Objects under build/obj/ (build/asan/obj/ sanitised), named after
# their sources; programs and test binaries directly under build/.
LIB_OBJS = $(LIB_SRC:src/%.c=build/obj/%.o)
LP_OBJS	= $(LP_SRC:src/%.c=build/obj/%.o)
CTL_OBJS = $(CTL_SRC:src/%.c=build/obj/%.o)
# The filter without its main(), for the unit tests of outcome and config.
LP_PARTS = $(filter-out build/obj/listpipe/main.o,$(LP_OBJS))

UNIT_SRC = $(wildcard tests/unit/*.c)
INTEG_SRC = $(wildcard tests/integration/*.c)
TESTLIB	= tests/lib/testlib.c

# What building needs, and what the test suites need besides.
BUILD_PACKAGES = build-essential pkg-config libgmime-3.0-dev libsqlite3-dev \
		 libgpgme-dev libunistring-dev libpsl-dev
DEB_PACKAGES = $(BUILD_PACKAGES) sqlite3 libcriterion-dev clang \
	       libclang-rt-14-dev mandoc acl libsisimai-perl valgrind \
	       python3-dkim openssl dnsmasq-base

# For the end-to-end suite and the demo: a private Postfix instance.
E2E_PACKAGES = postfix postfix-sqlite swaks acl opendkim opendkim-tools \
	       public-inbox python3-dkim dnsmasq-base

.PHONY: all deps e2e-deps check test unit-test integration-test asan-test \
	e2e-test demo install clean lint fuzz bounce-compare dkim-check valgrind bench \
	bench-deps

all: listpipe listctl

# build/deps.ok - say which Debian packages are missing before the first
# compiler error would ("glib.h: No such file or directory").
build/deps.ok:
	@mkdir -p build
	@missing=$$(for p in $(BUILD_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ] && ! pkg-config --exists $(PKGS) 2>/dev/null; then \
		echo "listpipe: missing Debian packages:" $$missing; \
		echo "listpipe: run 'make deps' as root (or: apt-get install" $$missing")"; \
		exit 1; \
	fi; touch $@

build/obj/%.o: src/%.c | build/deps.ok
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/asan/obj/%.o: src/%.c | build/deps.ok
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

build/liblistpipe.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

build/asan/liblistpipe.a: $(LIB_OBJS:build/obj/%=build/asan/obj/%)
	$(AR) rcs $@ $^

listpipe: $(LP_OBJS) build/liblistpipe.a
	$(CC) $(CFLAGS) -o $@ $^ $(PROG_LIBS)

listctl: $(CTL_OBJS) build/liblistpipe.a
	$(CC) $(CFLAGS) -o $@ $^ $(PROG_LIBS)

build/asan/listpipe: $(LP_OBJS:build/obj/%=build/asan/obj/%) build/asan/liblistpipe.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/asan/listctl: $(CTL_OBJS:build/obj/%=build/asan/obj/%) build/asan/liblistpipe.a
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/unit-tests: $(UNIT_SRC) $(TESTLIB) tests/lib/testlib.h $(LP_PARTS) build/liblistpipe.a
	$(CC) $(ALL_CFLAGS) -Itests/lib -o $@ $(UNIT_SRC) $(TESTLIB) $(LP_PARTS) build/liblistpipe.a $(LIBS) -lcriterion

build/asan/unit-tests: $(UNIT_SRC) $(TESTLIB) tests/lib/testlib.h $(LP_PARTS:build/obj/%=build/asan/obj/%) build/asan/liblistpipe.a
	$(CC) $(ALL_CFLAGS) $(SAN) -Itests/lib -o $@ $(UNIT_SRC) $(TESTLIB) $(LP_PARTS:build/obj/%=build/asan/obj/%) build/asan/liblistpipe.a $(LIBS) -lcriterion

# What the bounce analyser reads in each file given, one line a report:
# the tool behind tests/sisimai/compare.
build/dsn-dump: tests/tools/dsn_dump.c build/liblistpipe.a
	$(CC) $(ALL_CFLAGS) -o $@ $< build/liblistpipe.a $(LIBS)

build/integration-tests: $(INTEG_SRC) $(TESTLIB) tests/lib/testlib.h tests/integration/common.h build/liblistpipe.a
	$(CC) $(ALL_CFLAGS) -Itests/lib -o $@ $(INTEG_SRC) $(TESTLIB) build/liblistpipe.a $(LIBS) -lcriterion

-include $(shell find build -name '*.d' 2>/dev/null)

# install_missing TARGET PACKAGES [PRESEED] - apt-get install what dpkg
# does not have, after apt-get update as a fresh machine needs; without
# root, name what is missing and fail.
define install_missing
	@missing=$$(for p in $(2); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then echo "$(1): all installed"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "$(1): missing Debian packages:" $$missing; \
		echo "$(1): run 'make $(1)' as root (or: apt-get install" $$missing")"; exit 1; \
	fi; \
	echo "$(1): installing" $$missing; \
	$(3) \
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing
endef

deps:
	$(call install_missing,deps,$(DEB_PACKAGES))
	@rm -f build/deps.ok

# Postfix without touching the system's mail set-up: debconf is told "No
# configuration", so the system instance stays unconfigured and stopped.
e2e-deps:
	$(call install_missing,e2e-deps,$(E2E_PACKAGES),echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections;)

# with_private_bins DIR COMMAND - run COMMAND with LISTPIPE_BIN and
# LISTCTL_BIN set to copies of the binaries in DIR/ in a fresh directory
# under /tmp.  The tests run them as "nobody" when they run as root, and a
# checkout in root's home (mode 0700) is out of nobody's reach.
define with_private_bins
	bin=$$(mktemp -d /tmp/listpipe-bin.XXXXXX) && chmod 755 $$bin \
	&& cp $(1)/listpipe $(1)/listctl $$bin/ \
	&& LISTPIPE_BIN=$$bin/listpipe LISTCTL_BIN=$$bin/listctl $(2); \
	rc=$$?; rm -rf $$bin; exit $$rc
endef

# The fast suite for development: no package installs, no root needed,
# no fuzzing, no Postfix.  Each part runs even when an earlier one fails.
check: all build/unit-tests build/integration-tests build/asan/listpipe \
		build/asan/listctl build/asan/unit-tests
	@rc=0; \
	$(MAKE) --no-print-directory unit-test || rc=1; \
	$(MAKE) --no-print-directory integration-test || rc=1; \
	$(MAKE) --no-print-directory asan-test || rc=1; \
	if [ $$rc = 0 ]; then echo "make check: all suites passed"; else echo "make check: FAILED"; fi; \
	exit $$rc

# The whole suite, as CI runs it.
test: deps
	@$(MAKE) --no-print-directory all build/unit-tests build/integration-tests \
		build/asan/listpipe build/asan/listctl build/asan/unit-tests
	@rc=0; \
	$(MAKE) --no-print-directory check || rc=1; \
	$(MAKE) --no-print-directory lint || rc=1; \
	$(MAKE) --no-print-directory bounce-compare || rc=1; \
	$(MAKE) --no-print-directory dkim-check || rc=1; \
	$(MAKE) --no-print-directory valgrind || rc=1; \
	$(MAKE) --no-print-directory fuzz || rc=1; \
	$(MAKE) --no-print-directory e2e-test || rc=1; \
	if [ $$rc = 0 ]; then echo "make test: all suites passed"; else echo "make test: FAILED"; fi; \
	exit $$rc

unit-test: build/unit-tests
	@echo "== unit tests"
	./build/unit-tests

integration-test: all build/integration-tests
	@echo "== integration and corpus tests (./listpipe, ./listctl)"
	@$(call with_private_bins,.,./build/integration-tests)

asan-test: build/asan/listpipe build/asan/listctl build/asan/unit-tests build/integration-tests
	@echo "== unit, integration and corpus tests under ASan/UBSan"
	@# Criterion does not count a LeakSanitizer report as a failure: we do.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		./build/asan/unit-tests 2>&1 | tee build/asan/unit-tests.log; \
		rc=$${PIPESTATUS[0]}; \
		if grep -q 'LeakSanitizer: detected memory leaks' build/asan/unit-tests.log; then \
			echo "asan-test: memory leaks in the unit tests"; exit 1; fi; \
		exit $$rc
	@export ASAN_OPTIONS=detect_leaks=1; \
	export LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0; \
	$(call with_private_bins,build/asan,./build/integration-tests)

# As root the packages are installed and the suite runs; otherwise
# tests/e2e/run says SKIPPED and why.
e2e-test: all
	@echo "== end-to-end tests through a private Postfix"
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory e2e-deps; fi
	tests/e2e/run

# libFuzzer over header parsing and rewriting, seeded with the corpus.
# make fuzz FUZZ_SECONDS=600 for a longer run; make test runs a short one.
FUZZ_SECONDS ?= 60
REQUEST_FUZZ_SECONDS ?= 30
DSN_FUZZ_SECONDS ?= 30
CORPUS	?= $(CURDIR)/../shared/corpus

# The same library, built by clang with the coverage libFuzzer needs.
FUZZ_CFLAGS = $(CSTD) -g -O1 -fno-sanitize-recover=all -Isrc \
	      $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

build/fuzz/obj/%.o: src/%.c | build/deps.ok
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

build/fuzz/liblistpipe.a: $(LIB_SRC:src/%.c=build/fuzz/obj/%.o)
	$(AR) rcs $@ $^

build/fuzz/headers_fuzz: tests/fuzz/headers_fuzz.c build/fuzz/liblistpipe.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ tests/fuzz/headers_fuzz.c build/fuzz/liblistpipe.a $(LIBS)

build/fuzz/request_fuzz: tests/fuzz/request_fuzz.c build/fuzz/liblistpipe.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ tests/fuzz/request_fuzz.c build/fuzz/liblistpipe.a $(LIBS)

build/fuzz/dsn_fuzz: tests/fuzz/dsn_fuzz.c build/fuzz/liblistpipe.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ tests/fuzz/dsn_fuzz.c build/fuzz/liblistpipe.a $(LIBS)

# tests/fuzz/corpus holds inputs that once found a bug (replayed first, so
# a regression fails at once); tests/fuzz/seeds and headers.dict steer it
# to encoded words, where such bugs live.
fuzz: build/fuzz/headers_fuzz build/fuzz/request_fuzz build/fuzz/dsn_fuzz
	@echo "== fuzzing header parsing and rewriting for $(FUZZ_SECONDS) s"
	@rm -rf build/fuzz/seeds && mkdir -p build/fuzz/seeds build/fuzz/found
	@for f in $(CORPUS)/messages/*/*.eml $(CORPUS)/bounces/*.eml; do \
		[ -f "$$f" ] && cp "$$f" "build/fuzz/seeds/$$(echo $$f | tr / _)"; \
	done; true
	@./build/fuzz/headers_fuzz tests/fuzz/corpus/* > build/fuzz/replay.log 2>&1 \
		|| { cat build/fuzz/replay.log; echo "fuzz: a past finding is back"; exit 1; }
	@echo "replayed $$(ls tests/fuzz/corpus | wc -l) past findings: all pass"
	./build/fuzz/headers_fuzz -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix=build/fuzz/ \
		-dict=tests/fuzz/headers.dict \
		build/fuzz/found tests/fuzz/seeds build/fuzz/seeds 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|.*ERROR)' ; \
		exit $${PIPESTATUS[0]}
	@echo "== fuzzing what the robot and the policy read for $(REQUEST_FUZZ_SECONDS) s"
	@mkdir -p build/fuzz/request-found
	./build/fuzz/request_fuzz -max_total_time=$(REQUEST_FUZZ_SECONDS) -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix=build/fuzz/request- \
		build/fuzz/request-found tests/fuzz/request-seeds build/fuzz/seeds 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|.*ERROR)' ; \
		exit $${PIPESTATUS[0]}
	@echo "== fuzzing the bounce analyser for $(DSN_FUZZ_SECONDS) s"
	@mkdir -p build/fuzz/dsn-found
	./build/fuzz/dsn_fuzz -max_total_time=$(DSN_FUZZ_SECONDS) -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix=build/fuzz/dsn- \
		build/fuzz/dsn-found $(CORPUS)/bounces 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|.*ERROR)' ; \
		exit $${PIPESTATUS[0]}

MANPAGES = man/listpipe.8 man/listctl.8 man/listpipe.5

# The whole corpus through ./listpipe and the bounce analyser under
# valgrind memcheck: any error fails (tests/valgrind/run says which).
# make test runs each file once, the way it really arrives (posts as
# posts, bounces to a VERP address: ~11 minutes on two cores);
# VALGRIND_SCOPE=full also posts every bounce (~25 minutes).
VALGRIND_SCOPE ?= once
valgrind: all build/dsn-dump
	@echo "== the corpus under valgrind memcheck ($(VALGRIND_SCOPE))"
	VALGRIND_SCOPE=$(VALGRIND_SCOPE) tests/valgrind/run

# Benchmarks (not part of make test): a private Postfix with smtp-sink
# as the members' server, listpipe side by side with a virtual alias, a
# shell-script filter and mlmmj; then listpipe alone.  docs/BENCHMARKS.md.
BENCH_PACKAGES = $(E2E_PACKAGES) mlmmj time
bench-deps:
	$(call install_missing,bench-deps,$(BENCH_PACKAGES),echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections;)

bench: all
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory bench-deps; fi
	bench/run

# The bounce analyser against Debian's libsisimai-perl over the whole
# bounce corpus: fails below the agreement goals (95% on recipients, 90%
# on permanent versus temporary) or when an auto-reply, a feedback report
# or a delay is ever "hard".  -v lists every disagreement.
# The author's DKIM signature on list copies, checked by dkimpy.
dkim-check: all
	@echo "== DKIM signatures through listpipe (tests/dkim/prove, dkimpy)"
	tests/dkim/prove run ./listpipe

bounce-compare: build/dsn-dump
	@echo "== the bounce analyser against sisimai over $(CORPUS)/bounces"
	tests/sisimai/compare $(CORPUS)/bounces | sed -n '1,/^$$/p'; \
		exit $${PIPESTATUS[0]}

lint:
	@echo "== man pages (mandoc -Tlint)"
	mandoc -Tlint -Wwarning $(MANPAGES)

demo: deps e2e-deps all
	@bash tests/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/listpipe
	install -m 755 listpipe listctl $(DESTDIR)$(PREFIX)/sbin/
	install -m 644 man/listpipe.8 man/listctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 man/listpipe.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 sql/schema.sql sql/upgrade-2.sql sql/upgrade-3.sql sql/upgrade-4.sql \
		postfix/* $(DESTDIR)$(PREFIX)/share/listpipe/

clean:
	rm -rf build listpipe listctl
