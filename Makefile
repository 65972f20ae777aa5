# proceeds — plain GNU make.
#   make            libproceeds.a and the proceeds binary
#   make check      all unit and end-to-end tests
#   make demo       the whole job on the sample case in data/
#   make bench      benchmarks (figures go to bench/RESULTS.md by hand)
#   make install    PREFIX=/usr/local DESTDIR=
#   SANITIZE=address,undefined make check

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
SANITIZE ?=

PKGS     := libsecp256k1 jansson libcurl openssl yaml-0.1 libxml-2.0 nettle
CPPFLAGS += -Iinclude -D_GNU_SOURCE -MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null || echo -I/usr/include/libxml2)
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter -fno-strict-aliasing
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsecp256k1 -ljansson -lcurl -lcrypto -lyaml -lxml2 -lnettle) -lleveldb -lm -lpthread
ifneq ($(SANITIZE),)
BUILD    := $(BUILD)-san
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

# The rooms (HACKING.md): the library is every room but the command line's
# main; cli/ holds the commands, and only its main.c is left out of the
# library (tests link the commands too).
ROOMS    := chain tags graph tracer evidence screen sim cli
LIB_SRC  := $(sort $(wildcard $(ROOMS:%=%/*.c)))
LIB_SRC  := $(filter-out cli/main.c,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_HELP_SRC := $(sort $(wildcard tests/helper_*.c))
TEST_HELP_OBJ := $(TEST_HELP_SRC:%.c=$(BUILD)/%.o)
E2E      := $(sort $(wildcard tests/e2e_*.sh))
BENCH_SRC:= $(sort $(wildcard bench/bench_*.c))
BENCH_BIN:= $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIB      := $(BUILD)/libproceeds.a
BIN      := $(BUILD)/proceeds

DEBS     := libsecp256k1-dev libleveldb-dev libcurl4-openssl-dev libjansson-dev \
            libcmocka-dev libssl-dev pkg-config bzip2 libyaml-dev libxml2-dev nettle-dev \
            chromium poppler-utils graphviz jq \
            clang libclang-rt-14-dev clang-tidy cppcheck valgrind xxd

.PHONY: all check unit e2e demo demo-data bench deps install clean
all: $(BIN) proceeds $(BUILD)/proceeds.1

# The man page is generated from the same usage strings as `proceeds help`.
$(BUILD)/proceeds.1: $(BIN)
	$(BIN) help --man > $@

# A convenience link so `./proceeds` works from the checkout.
proceeds: $(BIN)
	ln -sf $(BIN) proceeds

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/cli/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_HELP_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(TEST_HELP_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Packages come from Debian. As root we install what is missing; otherwise we
# print the exact command, because a build that half-works is worse.
# Node and npm (the tests' Ethereum node, package-lock.json) come from
# Debian only when no node is installed, so a newer one (NodeSource's)
# is kept; npm ci reinstalls node_modules only when the lock file changed.
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || \
	  missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing" >&2; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >&2; \
	  else \
	    echo "proceeds: missing packages:$$missing" >&2; \
	    echo "run: sudo apt-get install -y$$missing" >&2; exit 2; \
	  fi; fi
	@cmp -s package-lock.json node_modules/.proceeds-lock 2>/dev/null || { \
	  echo "npm ci (package-lock.json)" >&2; \
	  npm ci --no-audit --no-fund >&2 && cp package-lock.json node_modules/.proceeds-lock; }

unit: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; ./$$t || fail=1; done; exit $$fail

e2e: $(BIN)
	@fail=0; for t in $(E2E); do \
	  echo "== $$t"; PROCEEDS=$(abspath $(BIN)) BUILD=$(BUILD) sh $$t || { echo "FAIL: $$t"; fail=1; }; done; exit $$fail

check: deps
	$(MAKE) all $(TEST_BIN)
	$(MAKE) unit
	$(MAKE) e2e
	@echo "make check: all tests passed"

demo: deps all
	@sh data/demo.sh $(abspath $(BIN))

# The sample case shipped in data/demo: byte-for-byte reproducible.
demo-data: all
	$(BIN) simulate --out data/demo --seed 2024 --txs 20000 --crime-demix --force -q

bench: all $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; ./$$b || exit 1; done
	@for b in $(sort $(wildcard bench/bench_*.sh)); do echo "== $$b"; PROCEEDS=$(abspath $(BIN)) BUILD=$(BUILD) sh $$b || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/proceeds
	install -m 644 $(BUILD)/proceeds.1 $(DESTDIR)$(PREFIX)/share/man/man1/proceeds.1

clean:
	rm -rf build build-san build-fuzz proceeds

# Hardening (docs/robustness.md): libFuzzer targets fuzz/fuzz_<name>.c, built
# with clang against the library compiled for fuzzing, run by fuzz/run.sh for
# FUZZ_SECONDS each; the same entry points, renamed, replay
# tests/fuzz-regress/ inside `make check` (tests/test_fuzz_regress.c).
FUZZ_SRC     := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_NAMES   := $(FUZZ_SRC:fuzz/%.c=%)
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all \
                -fsanitize=fuzzer-no-link,address,undefined
FUZZ_LIB     := $(FUZZ_BUILD)/libproceeds.a
FUZZ_BIN     := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/%)
FUZZ_REPLAY_OBJ := $(FUZZ_NAMES:%=$(BUILD)/fuzz-replay/%.o)

.PHONY: fuzz fuzz-build
fuzz: deps
	$(MAKE) fuzz-build
	sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-build: $(FUZZ_BIN)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

# Memcheck over the unit tests and the end-to-end tests (whose PROCEEDS is a
# wrapper running the binary under valgrind). Reports go to one log per
# process, written through a descriptor the wrapper opens (9), so that a
# test that closes the binary's standard output sees it closed; any error
# or definite/indirect leak fails the target. Forked
# children are left out: the unit tests fork only to kill -9 a child in the
# middle of a write (crash safety), and a killed process leaks by design; the
# code the children run is checked in the parent by the other tests.
VALGRIND     ?= valgrind --quiet --error-exitcode=99 --leak-check=full \
                --child-silent-after-fork=yes \
                --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
VG_DIR       := $(abspath $(BUILD))/valgrind

.PHONY: check-valgrind lint
check-valgrind: deps
	$(MAKE) all $(TEST_BIN)
	@rm -rf $(VG_DIR) && mkdir -p $(VG_DIR)
	@printf '#!/bin/sh\nexec 9>>$(VG_DIR)/proceeds.$$$$.log\nexec $(VALGRIND) --log-fd=9 $(abspath $(BIN)) "$$@"\n' \
	  > $(BUILD)/proceeds-valgrind && chmod +x $(BUILD)/proceeds-valgrind
	@fail=0; for t in $(TEST_BIN); do echo "== valgrind $$t"; \
	  $(VALGRIND) --log-file=$(VG_DIR)/$$(basename $$t).%p.log ./$$t >/dev/null || { echo "FAIL: $$t"; fail=1; }; done; \
	for t in $(E2E); do echo "== valgrind $$t"; \
	  FAULTS_LIGHT=1 PROCEEDS=$(abspath $(BUILD))/proceeds-valgrind BUILD=$(BUILD) sh $$t >/dev/null || { echo "FAIL: $$t"; fail=1; }; done; \
	for l in $(VG_DIR)/*.log; do [ -s "$$l" ] && { echo "== $$l"; head -n 40 "$$l"; fail=1; }; done; \
	[ $$fail = 0 ] && echo "make check-valgrind: no memory errors, no leaks ($$(ls $(VG_DIR) | wc -l) processes)"; exit $$fail

lint: deps
	sh lint/run.sh

$(BUILD)/fuzz-replay/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DLLVMFuzzerTestOneInput=$*_entry -c -o $@ $<

$(BUILD)/tests/test_fuzz_regress.o: CPPFLAGS += \
	-DFUZZ_TARGETS='$(foreach n,$(FUZZ_NAMES),X($(n)))'
$(BUILD)/tests/test_fuzz_regress.o: $(FUZZ_SRC)
$(BUILD)/tests/test_fuzz_regress: $(BUILD)/tests/test_fuzz_regress.o \
		$(FUZZ_REPLAY_OBJ) $(TEST_HELP_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

-include $(shell find $(BUILD) $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
