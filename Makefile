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

PKGS     := libsecp256k1 jansson libcurl openssl yaml-0.1 libxml-2.0
CPPFLAGS += -Iinclude -D_GNU_SOURCE -MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null || echo -I/usr/include/libxml2)
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter -fno-strict-aliasing
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsecp256k1 -ljansson -lcurl -lcrypto -lyaml -lxml2) -lleveldb -lm -lpthread
ifneq ($(SANITIZE),)
BUILD    := $(BUILD)-san
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

LIB_SRC  := $(sort $(wildcard chain/*.c graph/*.c tracer/*.c sim/*.c))
LIB_SRC  := $(filter-out tracer/main.c,$(LIB_SRC))
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
            libcmocka-dev libssl-dev pkg-config bzip2 libyaml-dev libxml2-dev \
            chromium poppler-utils graphviz jq

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

$(BIN): $(BUILD)/tracer/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_HELP_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(TEST_HELP_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Packages come from Debian. As root we install what is missing; otherwise we
# print the exact command, because a build that half-works is worse.
deps:
	@missing=""; for p in $(DEBS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing" >&2; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >&2; \
	  else \
	    echo "proceeds: missing packages:$$missing" >&2; \
	    echo "run: sudo apt-get install -y$$missing" >&2; exit 2; \
	  fi; fi

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
	$(BIN) simulate --out data/demo --seed 2024 --txs 20000 --force -q

bench: all $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; ./$$b || exit 1; done
	@for b in $(sort $(wildcard bench/bench_*.sh)); do echo "== $$b"; PROCEEDS=$(abspath $(BIN)) BUILD=$(BUILD) sh $$b || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/proceeds
	install -m 644 $(BUILD)/proceeds.1 $(DESTDIR)$(PREFIX)/share/man/man1/proceeds.1

clean:
	rm -rf build build-san proceeds

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
