# Tarjotin - see README.md.  `make` builds, `make run` runs, `make test` tests.
#
# Builds go to build/$(VARIANT): `release` (optimised, what `make run`,
# `make bench` and `make install` use) or `asan` (AddressSanitizer +
# UndefinedBehaviorSanitizer, what `make test` uses).

VARIANT ?= release
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build/$(VARIANT)
GEN := build/gen

CC ?= cc
STD := -std=c11 -D_GNU_SOURCE
WARN := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wwrite-strings \
	-Wformat-security -Wshadow -Wpointer-arith -Werror
ifeq ($(VARIANT),asan)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDOPT := -fsanitize=address,undefined
else
OPT := -O2 -g
LDOPT :=
endif

PKGS := libmicrohttpd libzmq libprotobuf-c libpq hiredis libcurl jansson libsodium zlib cjose xlsxwriter \
	libvoikko sqlite3 liblz4
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

CFLAGS := $(STD) $(WARN) $(OPT) -MMD -MP -Ilib -I$(GEN) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
# Snowball's libstemmer has no pkg-config file.
LDLIBS := $(PKG_LIBS) -lstemmer -lpthread -lm

PROTOS := $(wildcard proto/*.proto)
PROTO_C := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
PROTO_H := $(PROTO_C:.c=.h)

LIB_SRC := $(wildcard lib/*.c) $(PROTO_C)
LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))

SERVICES := gateway directory notify stats
BINS := $(patsubst %,$(BUILD)/tarjotin-%,$(SERVICES))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))

.PHONY: all deps run test bench soak install clean unit tools browser-deps format format-check fuzz fuzz-build
.SECONDARY:

all: $(BINS) $(BUILD)/tarjotin-admin $(TOOL_BINS)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto
	@mkdir -p $(GEN)
	protoc-c --proto_path=proto --c_out=$(GEN) $<

# Every object may include generated headers.
$(BUILD)/obj/%.o: %.c | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/$(GEN)/%.o: $(GEN)/%.c | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Werror,$(CFLAGS)) -c $< -o $@

$(BUILD)/libtarjotin.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# A service is every .c in its folder, linked with the shared library.
define service_rule
$(1)_SRC := $$(wildcard services/$(1)/*.c)
$(1)_OBJ := $$(patsubst %.c,$$(BUILD)/obj/%.o,$$($(1)_SRC))
$$(BUILD)/tarjotin-$(1): $$($(1)_OBJ) $$(BUILD)/libtarjotin.a
	$$(CC) $$(LDOPT) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach s,$(SERVICES),$(eval $(call service_rule,$(s))))

# The operator's command: its own main and the directory modules it needs.
ADMIN_SRC := services/admin/main.c services/directory/links.c services/directory/audit.c services/directory/mailq.c \
	services/directory/mask.c
$(BUILD)/tarjotin-admin: $(patsubst %.c,$(BUILD)/obj/%.o,$(ADMIN_SRC)) $(BUILD)/libtarjotin.a
	$(CC) $(LDOPT) -o $@ $^ $(LDLIBS)

# A unit test links its own file, the shared library and the service modules
# it names in a `// units: services/x/y.c ...` line (and is rebuilt when one
# of them changes).  The service folders are -iquote, not -I: a service's
# header named like a system one (the directory's sched.h) must not shadow
# <sched.h> inside <pthread.h>.
units_of = $(shell sed -n 's|^// units: ||p' tests/unit/$(1).c)
.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$(call units_of,$$*) $(BUILD)/libtarjotin.a | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -iquote services/notify -iquote services/directory -iquote services/gateway -iquote services/stats $(LDOPT) -o $@ $< \
		$$(sed -n 's#^// units: ##p' $<) $(BUILD)/libtarjotin.a $(LDLIBS) $(CMOCKA_LIBS)
	@# -MP gives headers phony targets, not the units compiled with the test: a
	@# deleted or renamed module must not stop an old build folder's next build.
	@for u in $$(sed -n 's#^// units: ##p' $<); do echo "$$u:"; done >>$@.d

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libtarjotin.a | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDOPT) -o $@ $< $(BUILD)/libtarjotin.a $(LDLIBS)

# libFuzzer harnesses (tests/fuzz/README.md): the real modules compiled with
# clang into build/fuzz, each harness run for FUZZ_SECONDS from its seed
# corpus.  A harness links lib/ and the service modules its
# `// units: ...` line names, like a unit test.  Only `make fuzz` needs clang.
FUZZ_BUILD := build/fuzz
FUZZ_CC := clang
FUZZ_SECONDS ?= 50
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := $(STD) $(WARN) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	-MMD -MP -I. -Ilib -I$(GEN) $(PKG_CFLAGS)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRC))
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(LIB_SRC))
fuzz_units_of = $(shell sed -n 's|^// units: ||p' tests/fuzz/$(1).c)
fuzz_objs = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(call fuzz_units_of,$(1)))

$(FUZZ_BUILD)/obj/%.o: %.c | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/obj/$(GEN)/%.o: $(GEN)/%.c | $(PROTO_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -Werror,$(FUZZ_CFLAGS)) -c $< -o $@

$(FUZZ_BUILD)/libtarjotin.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $$(call fuzz_objs,fuzz_$$*) \
		$(FUZZ_BUILD)/libtarjotin.a | $(PROTO_H)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(call fuzz_objs,fuzz_$*) \
		$(FUZZ_BUILD)/libtarjotin.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz:
	@scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory -s fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_BINS)

unit: $(UNIT_BINS)
tools: $(TOOL_BINS)

deps:
	@scripts/deps.sh

browser-deps:
	@scripts/deps.sh --browser

run: deps
	@$(MAKE) --no-print-directory -s VARIANT=release all
	@scripts/stack.sh run

test: deps
	@tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory -s VARIANT=release all
	@TARJOTIN_BIN=$(CURDIR)/$(BUILD) tests/bench/bench.sh

# The soak under faults (tests/soak/soak.sh): about ten minutes, not part of
# make test.
soak: deps
	@$(MAKE) --no-print-directory VARIANT=release all
	@TARJOTIN_BIN=$(CURDIR)/build/release tests/soak/soak.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tarjotin
	install -m 755 $(BINS) $(BUILD)/tarjotin-admin $(DESTDIR)$(PREFIX)/bin/
	cp -r services/gateway/web $(DESTDIR)$(PREFIX)/share/tarjotin/web
	install -d $(DESTDIR)$(PREFIX)/share/tarjotin/vendor
	install -m 644 services/gateway/vendor/node_modules/chart.js/dist/chart.umd.js \
		$(DESTDIR)$(PREFIX)/share/tarjotin/vendor/
	cp -r services/directory/migrations services/directory/data \
		$(DESTDIR)$(PREFIX)/share/tarjotin/
	install -d $(DESTDIR)$(PREFIX)/share/tarjotin/stats-migrations
	install -m 644 services/stats/migrations/*.sql $(DESTDIR)$(PREFIX)/share/tarjotin/stats-migrations/
	cp -r services/notify/templates $(DESTDIR)$(PREFIX)/share/tarjotin/templates

# .clang-format holds the house style: `format` rewrites every C file in it,
# `format-check` names each line it would change and fails if there is one.
C_FILES = $$(git ls-files '*.c' '*.h' 2>/dev/null || find lib services tests -name '*.[ch]')
format:
	clang-format -i $(C_FILES)

format-check:
	@clang-format --dry-run --Werror $(C_FILES)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
ifneq ($(filter fuzz fuzz-build build/fuzz/%,$(MAKECMDGOALS)),)
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
endif
