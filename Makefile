# nexus-sim: one top-level make. Each directory adds its part in its own
# build.mk; this file holds the toolchains, the layering, the one compile,
# archive and link recipe, and the user-facing targets.
#
#   make          build the product and its tests into bin/ and build/ (installs nothing)
#   make demo     install what is missing, build, run ./bin/nexus-sim run demo.hello.nxb
#   make test     install what is missing, build, run every unit and end-to-end test
#   make asan     the whole test suite under ASan+UBSan (build/asan/)
#   make bench    benchmarks beside their anchors (qemu-riscv64, qemu-system-riscv64, native)
#   make qemu     the QEMU target: build/qemu/nexus.elf, init, bin/nexus-qemu (qemu/build.mk)
#   make qemu-test  the QEMU target's tests alone (make test runs them too)
#   make clean    remove $(BUILD) and $(BIN)
#
# make CC=... / CFLAGS=... / LDFLAGS=... add to the project's own flags.

BUILD ?= build
BIN ?= bin
SAN ?=

ifeq ($(origin CC),default)
CC := clang
endif
NX_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -MMD -MP
NX_LDFLAGS := -Wl,--as-needed
ifneq ($(SAN),)
NX_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
NX_LDFLAGS += -fsanitize=address,undefined
endif

# Layering the compiler enforces: each directory compiles with the include
# paths of the layers it may use and no others (no catch-all -I.), so a
# back-edge fails to compile. docs/architecture.md draws the graph:
#   include/ <- loader/ formats/ wire/ kernel/ <- host/ <- sim/
#                                       daemons/lib/ <- daemons/lib*/ <- daemons/<name>/
INC_ABI := -Iinclude
INC_LOADER := $(INC_ABI) -Iloader
INC_FORMATS := $(INC_ABI) -Iformats
INC_WIRE := $(INC_ABI) -Iwire
INC_KERNEL := $(INC_ABI) -Ikernel
INC_HOST := $(INC_FORMATS) -Iwire -Ihost
INC_SIM := $(INC_HOST) -Iloader -Ikernel -Isim
INC_NXD := $(INC_HOST) -Iloader -Idaemons/lib/include
INC_STORE := $(INC_FORMATS) -Idaemons/libstore
INC_VFS := $(INC_ABI) -Idaemons/libvfs
# A daemon: libnxd's public headers, the shared daemon libraries, its own folder.
inc_daemon = $(INC_NXD) -Idaemons/libstore -Idaemons/libvfs -Idaemons/$(1)

# Unicorn linked statically: cold start 8.9 ms -> 3.6 ms (docs/kernel.md).
UNICORN_LIBS := -Wl,-Bstatic -lunicorn -Wl,-Bdynamic -lpthread -lm

# RISC-V payloads: Debian's clang + lld, freestanding rv64gc. The prefix-map and
# compilation-dir flags keep the checkout path out of them: the same source
# gives the same bytes (and bundle digests) in any clone.
RV_CC := clang --target=riscv64-unknown-elf -march=rv64gc -mabi=lp64d
RV_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -ffreestanding -fno-builtin \
	-fno-stack-protector -fno-pic -mno-relax -mcmodel=medany -msmall-data-limit=0 \
	-ffile-prefix-map=$(CURDIR)=. -fdebug-compilation-dir=. -Iinclude -Ifixtures/rt
RV_LDFLAGS := -nostdlib -fuse-ld=lld -static -Wl,--no-relax

# Each module's static library, named here so any build.mk may link it
# whatever order they are read in.
LOADER_LIB := $(BUILD)/loader/libnxloader.a
KERNEL_LIB := $(BUILD)/kernel/libnxkernel.a
FORMATS_LIB := $(BUILD)/formats/libnxformats.a
# .nxs system sets (formats/nxs_read.c, nxs_write.c): whatever links it adds -larchive.
NXS_LIB := $(BUILD)/formats/libnxnxs.a
WIRE_LIB := $(BUILD)/wire/libnxwire.a
HOST_LIB := $(BUILD)/host/libnxhost.a
NXD_LIB := $(BUILD)/daemons/lib/libnxd.a
STORE_LIB := $(BUILD)/daemons/libstore/libnxstore.a
VFS_LIB := $(BUILD)/daemons/libvfs/libnxvfs.a
# What links libnxd links these after it, in this order.
NXD_DEPS := $(NXD_LIB) $(LOADER_LIB) $(HOST_LIB) $(FORMATS_LIB) $(WIRE_LIB)
DAEMON_DIR := $(BIN)/daemons
# The daemons link libsodium and libseccomp statically: they start on
# every run, and each dynamic library costs start-up.
DAEMON_SYSLIBS := -Wl,-Bstatic -lsodium -lseccomp -Wl,-Bdynamic

# The payload SDK (sdk/build.mk): bin/nexus-cc and, beside it in bin/sdk/,
# the payload runtime it builds against (headers, crt0.o, libnxrt.a,
# link.ld), named here so a payload rule may depend on it whatever order the
# build.mk files are read in: NEXUS_SDK_CC is what compiling needs (the
# script and the headers), NEXUS_SDK every file of the SDK.
NEXUS_CC := $(BIN)/nexus-cc
SDK_DIR := $(BIN)/sdk
NEXUS_SDK_CC := $(NEXUS_CC) \
	$(patsubst fixtures/rt/%,$(SDK_DIR)/include/%,$(wildcard fixtures/rt/*.h)) \
	$(patsubst include/%,$(SDK_DIR)/include/%,$(wildcard include/nexus/*.h))
NEXUS_SDK := $(NEXUS_SDK_CC) $(addprefix $(SDK_DIR)/lib/,crt0.o libnxrt.a link.ld)

# What the build.mk files add to.
PRODUCT :=	  # bin/ and the fixture bundles: what `make demo` needs
TEST_BINS :=	  # unit tests, harnesses, generators: what `make test` runs
FUZZ_BINS :=	  # libFuzzer targets and seeds (make test's short run)
BENCH_BINS :=	  # make bench only
HOST_LIBS :=	  # archives, one recipe
HOST_PROGS :=	  # host executables, one link recipe; each sets LIBS
UNIT_TESTS :=
E2E_TESTS :=

.PHONY: all deps demo test fuzz asan bench clean
all:

deps:
	@scripts/install-deps

# Modules first, then the tests that use their variables (FIXTURE_ELFS, NX_BUNDLES).
include $(sort $(wildcard */build.mk daemons/*/build.mk))
include $(sort $(wildcard tests/*/build.mk))

all: $(PRODUCT) $(TEST_BINS)
fuzz: $(FUZZ_BINS)

demo: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	./$(BIN)/nexus-sim run demo.hello.nxb

test: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all fuzz
	@NX_BIN=$(BIN) NX_BUILD=$(BUILD) scripts/run-tests $(UNIT_TESTS) $(E2E_TESTS)

# The soak's 1,000 runs take minutes; under the sanitizers a fifth of them.
asan: deps
	@SOAK_RUNS=200 $(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/bin SAN=1 test

bench: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all $(BENCH_BINS)
	@NX_BIN=$(BIN) NX_BUILD=$(BUILD) scripts/bench

clean:
	rm -rf $(BUILD) $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(NX_CFLAGS) $(INC) $(NX_DEFS) $(CFLAGS) -c $< -o $@

$(HOST_LIBS):
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(HOST_PROGS):
	@mkdir -p $(@D)
	$(CC) $(NX_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS)

# Dependencies of this build only (not a nested build/asan's).
-include $(shell find $(BUILD) -mindepth 1 -path '$(BUILD)/asan' -prune -o -name '*.d' -print 2>/dev/null)
