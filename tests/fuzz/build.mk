# tests/fuzz/: libFuzzer targets (docs/fuzzing.md) and their seed corpora.
#
# The code under test is compiled again into $(BUILD)/fuzz/obj/ with
# coverage instrumentation (-fsanitize=fuzzer-no-link); the module
# libraries are built without it and would leave the fuzzer blind. ASan
# and UBSan are always on here, and a UBSan report aborts, so libFuzzer
# keeps the input. Under `make asan` the same flags appear twice: harmless.
#
# Seeds are generated, never committed: $(BUILD)/fuzz/seeds/<target>/ is
# rebuilt from the fixtures; $(BUILD)/fuzz/corpus/<target>/ is left empty
# for long runs to grow, and make never touches what they put there.
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_OBJ := $(FUZZ_DIR)/obj
FUZZ_SEEDS := $(FUZZ_DIR)/seeds
FUZZ_CFLAGS = $(NX_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer $(INC_TESTS)
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
FUZZ_TARGETS := loader manifest toml frame ksock nxsindex nxs chan

$(FUZZ_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) $(CFLAGS) -c $< -o $@

fuzz_objs = $(patsubst %.c,$(FUZZ_OBJ)/%.o,$(1))
FUZZ_LOADER_OBJS := $(call fuzz_objs,$(wildcard loader/*.c))
FUZZ_FORMATS_OBJS := $(call fuzz_objs,$(filter-out $(NXS_SRCS),$(wildcard formats/*.c)))
FUZZ_NXS_OBJS := $(call fuzz_objs,$(NXS_SRCS))
FUZZ_FRAME_OBJS := $(call fuzz_objs,$(wildcard wire/*.c) daemons/lib/dispatch.c)
FUZZ_KSOCK_OBJS := $(call fuzz_objs,$(wildcard kernel/*.c) $(wildcard wire/*.c) sim/ksock.c sim/console.c \
	sim/seed_bridge.c \
	sim/loop.c sim/watchdog.c sim/cpu_unicorn.c sim/rv_access.c sim/port_linux.c)

$(FUZZ_DIR)/fuzz_loader: $(FUZZ_OBJ)/tests/fuzz/fuzz_loader.o $(FUZZ_LOADER_OBJS)
$(FUZZ_DIR)/fuzz_manifest: $(FUZZ_OBJ)/tests/fuzz/fuzz_manifest.o $(FUZZ_FORMATS_OBJS)
$(FUZZ_DIR)/fuzz_toml: $(FUZZ_OBJ)/tests/fuzz/fuzz_toml.o $(FUZZ_FORMATS_OBJS)
$(FUZZ_DIR)/fuzz_frame: $(FUZZ_OBJ)/tests/fuzz/fuzz_frame.o $(FUZZ_FRAME_OBJS)
$(FUZZ_DIR)/fuzz_ksock: $(FUZZ_OBJ)/tests/fuzz/fuzz_ksock.o $(FUZZ_KSOCK_OBJS)
$(FUZZ_DIR)/fuzz_nxsindex: $(FUZZ_OBJ)/tests/fuzz/fuzz_nxsindex.o $(FUZZ_FORMATS_OBJS)
$(FUZZ_DIR)/fuzz_nxs: $(FUZZ_OBJ)/tests/fuzz/fuzz_nxs.o $(FUZZ_NXS_OBJS) $(FUZZ_FORMATS_OBJS)
FUZZ_CHAN_OBJS := $(call fuzz_objs,$(wildcard kernel/*.c) sim/cpu_unicorn.c sim/rv_access.c \
	sim/port_linux.c)
$(FUZZ_DIR)/fuzz_chan: $(FUZZ_OBJ)/tests/fuzz/fuzz_chan.o $(FUZZ_CHAN_OBJS)
# formats/ is linked whole: bootctrl.c brings zlib (its CRC-32).
$(FUZZ_DIR)/fuzz_manifest $(FUZZ_DIR)/fuzz_toml $(FUZZ_DIR)/fuzz_nxsindex: LIBS := -lsodium -lz
$(FUZZ_DIR)/fuzz_nxs: LIBS := -larchive -lsodium -lz
$(FUZZ_DIR)/fuzz_ksock $(FUZZ_DIR)/fuzz_chan: LIBS := $(UNICORN_LIBS)
FUZZERS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
$(FUZZERS): NX_LDFLAGS := $(FUZZ_LDFLAGS)
HOST_PROGS += $(FUZZERS)

# A host tool, built like the rest of the tests (no fuzzer runtime).
FUZZ_SEEDGEN := $(FUZZ_DIR)/seedgen
$(FUZZ_SEEDGEN): $(BUILD)/tests/fuzz/seedgen.o
HOST_PROGS += $(FUZZ_SEEDGEN)

# Loader seeds: every fixture ELF stripped to its loadable part (section
# contents do not matter to the loader, and small inputs mutate faster),
# the lld-default fixture with the elfgen mutations that sit at a limit
# or one refusal away from it, permission variants of two of them
# (seedgen elfperm), and argv/env strings for the stack builder.
FUZZ_ELFGEN_SEEDS := ok-shared-page ok-load-max ok-user-top ok-mapped-max ok-phnum-max \
	ok-entry-last ok-load-adjacent ok-seg-file-end ok-user-base shared-wx seg-wx \
	load-overlap load-order seg-file-past congruent entry-data entry-past-file exec-stack \
	interp user-top-over mapped-over
$(FUZZ_SEEDS)/loader.ok: $(FIXTURE_ELFS) $(LOADER_FIXTURE) $(ELFGEN) $(FUZZ_SEEDGEN)
	rm -rf $(FUZZ_SEEDS)/loader
	mkdir -p $(FUZZ_SEEDS)/loader $(FUZZ_DIR)/corpus/loader
	for f in $(FIXTURE_ELFS) $(LOADER_FIXTURE); do \
		llvm-objcopy --strip-all $$f $(FUZZ_SEEDS)/loader/$$(basename $$f) || exit 1; \
	done
	for m in $(FUZZ_ELFGEN_SEEDS); do \
		$(ELFGEN) $$m $(LOADER_FIXTURE) $(FUZZ_SEEDS)/loader/elfgen-$$m || exit 1; \
	done
	$(FUZZ_SEEDGEN) elfperm $(FUZZ_SEEDS)/loader/elfgen-ok-shared-page $(FUZZ_SEEDS)/loader
	$(FUZZ_SEEDGEN) elfperm $(LOADER_FIXTURE) $(FUZZ_SEEDS)/loader
	printf '\003\000demo.hello\000-v\000\000PATH=/bin\000HOME=/\000' \
		>$(FUZZ_SEEDS)/loader/argv-env
	@touch $@

# Manifest seeds: the built bundles' manifest.nxb (NX_BUNDLES, from
# fixtures/bundles.mk; the top Makefile reads tests/*/build.mk last).
$(FUZZ_SEEDS)/manifest.ok: $(NX_BUNDLES)
	rm -rf $(FUZZ_SEEDS)/manifest
	mkdir -p $(FUZZ_SEEDS)/manifest $(FUZZ_DIR)/corpus/manifest
	for b in $(NX_BUNDLES); do \
		cp $$b/manifest.nxb $(FUZZ_SEEDS)/manifest/$$(echo $$b | tr / _) || exit 1; \
	done
	@touch $@

$(FUZZ_SEEDS)/toml.ok: $(wildcard fixtures/manifests/*.toml)
	rm -rf $(FUZZ_SEEDS)/toml
	mkdir -p $(FUZZ_SEEDS)/toml $(FUZZ_DIR)/corpus/toml
	cp $^ $(FUZZ_SEEDS)/toml/
	@touch $@

# .nxs seeds: fixture sets (NX_SYSTEMS, fixtures/systems.mk) as signed,
# and with their signatures zeroed (seedgen nxszero), which fuzz_nxs's
# check takes as valid; index seeds: each set's system.nxsindex. The
# ten-bundle set is left out: large inputs mutate slowly.
FUZZ_NXS_SETS := $(filter-out %/sys-bench10.nxs,$(NX_SYSTEMS))
$(FUZZ_SEEDS)/nxs.ok: $(FUZZ_NXS_SETS) $(FUZZ_SEEDGEN)
	rm -rf $(FUZZ_SEEDS)/nxs
	mkdir -p $(FUZZ_SEEDS)/nxs $(FUZZ_DIR)/corpus/nxs
	for s in $(FUZZ_NXS_SETS); do \
		cp $$s $(FUZZ_SEEDS)/nxs/ && $(FUZZ_SEEDGEN) nxszero $$s $(FUZZ_SEEDS)/nxs || exit 1; \
	done
	@touch $@

$(FUZZ_SEEDS)/nxsindex.ok: $(NX_SYSTEMS)
	rm -rf $(FUZZ_SEEDS)/nxsindex
	mkdir -p $(FUZZ_SEEDS)/nxsindex $(FUZZ_DIR)/corpus/nxsindex
	for s in $(NX_SYSTEMS); do \
		tar -xOf $$s system.nxsindex >$(FUZZ_SEEDS)/nxsindex/$$(basename $$s .nxs) || exit 1; \
	done
	@touch $@

$(FUZZ_SEEDS)/frame.ok $(FUZZ_SEEDS)/ksock.ok: $(FUZZ_SEEDS)/%.ok: $(FUZZ_SEEDGEN)
	rm -rf $(FUZZ_SEEDS)/$*
	mkdir -p $(FUZZ_SEEDS)/$* $(FUZZ_DIR)/corpus/$*
	$(FUZZ_SEEDGEN) $* $(FUZZ_SEEDS)/$*
	@touch $@

# Channel programs (fuzz_chan.c's opcodes): create, send with handles and
# data, receive with TRUNCATE and too little room, a deadline, a close.
$(FUZZ_SEEDS)/chan.ok:
	rm -rf $(FUZZ_SEEDS)/chan
	mkdir -p $(FUZZ_SEEDS)/chan $(FUZZ_DIR)/corpus/chan
	printf '\000\000\001\003\000\001\000\004\000\010\001\003\002\001\000\000\004\002\020\000\001\002\002\000\000' \
		>$(FUZZ_SEEDS)/chan/send-recv
	printf '\000\000\004\000\000\000\002\001\377\005\002\001\004\000\000\000\002\001\000' \
		>$(FUZZ_SEEDS)/chan/deadline-close
	printf '\000\000\200\000\003\000\007\000\000\000\000\000\001\000\204\000\000\000\002\000\000' \
		>$(FUZZ_SEEDS)/chan/two-callers
	@touch $@

FUZZ_BINS += $(FUZZERS) $(FUZZ_TARGETS:%=$(FUZZ_SEEDS)/%.ok)
E2E_TESTS += tests/e2e/fuzz_short.sh
