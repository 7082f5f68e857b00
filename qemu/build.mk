# qemu/: the QEMU target (docs/qemu.md). Three builds from one folder:
#
#   $(BUILD)/qemu/nexus.elf   the kernel image: kernel/ and loader/ from the
#                             same sources as the simulator's, with the
#                             target's ports (qemu/kern/), freestanding
#                             rv64imac S-mode, soft-float (no FP in the kernel)
#   $(BUILD)/qemu/init.elf    init, a U-mode payload built like the fixtures
#                             (fixtures/rt runtime, the loader's RISC-V objects)
#   $(BIN)/nexus-qemu         the host tool: image builder and runner
#
# qemu/common/ holds the code all three share (image check, formatting).

NXQ_DIR := $(BUILD)/qemu
NXQ_KERNEL := $(NXQ_DIR)/nexus.elf
NXQ_INIT := $(NXQ_DIR)/init.elf
NXQ_TOOL := $(BIN)/nexus-qemu

# The kernel image: rv64imac/lp64 (the kernel never touches FP registers, so
# the lazy FP switch in kern/cpu_sv39.c is safe), seeing only the compiler's
# freestanding headers, like the kernel's freestanding proof (kernel/build.mk).
NXQ_K_CC := clang --target=riscv64-unknown-elf -march=rv64imac -mabi=lp64
NXQ_K_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -ffreestanding -nostdinc \
	-isystem $(KERNEL_FS_DIR)/include -fno-stack-protector -fno-pic -mno-relax \
	-mcmodel=medany -msmall-data-limit=0 -MMD -MP
NXQ_K_INC := -Iinclude -Ikernel -Iloader -Iqemu -Iqemu/common -Iqemu/kern
NXQ_K_OBJ := $(NXQ_DIR)/target
NXQ_K_OBJS := $(patsubst %.c,$(NXQ_K_OBJ)/%.o,$(wildcard kernel/*.c loader/*.c qemu/common/*.c \
	qemu/kern/*.c)) \
	$(patsubst %.S,$(NXQ_K_OBJ)/%.o,$(filter-out %.ld.S,$(wildcard qemu/kern/*.S)))
NXQ_K_LDS := $(NXQ_DIR)/kernel.ld

# kernel/ and loader/ see only their own layers, as in every other build.
$(NXQ_K_OBJ)/kernel/%.o: NXQ_INC := -Iinclude -Ikernel
$(NXQ_K_OBJ)/loader/%.o: NXQ_INC := -Iinclude -Iloader
$(NXQ_K_OBJ)/qemu/common/%.o: NXQ_INC := -Iinclude -Iqemu -Iqemu/common
$(NXQ_K_OBJ)/qemu/kern/%.o: NXQ_INC := $(NXQ_K_INC)
# trap.S saves and restores the tasks' FP registers: F and D for it alone.
$(NXQ_K_OBJ)/qemu/kern/trap.o: NXQ_MARCH := -march=rv64imafd

$(NXQ_K_OBJ)/%.o: %.c | $(KERNEL_FS_DIR)/include/stdint.h
	@mkdir -p $(@D)
	$(NXQ_K_CC) $(NXQ_K_CFLAGS) $(NXQ_INC) -c $< -o $@

$(NXQ_K_OBJ)/%.o: %.S
	@mkdir -p $(@D)
	$(NXQ_K_CC) $(NXQ_MARCH) -MMD -MP $(NXQ_INC) -c $< -o $@

$(NXQ_K_LDS): qemu/kern/kernel.ld.S qemu/target.h qemu/kern/layout.h
	@mkdir -p $(@D)
	$(NXQ_K_CC) -E -P -x assembler-with-cpp -Iinclude -Iqemu -Iqemu/kern $< -o $@

$(NXQ_KERNEL): $(NXQ_K_OBJS) $(NXQ_K_LDS)
	$(NXQ_K_CC) -nostdlib -fuse-ld=lld -static -Wl,--no-relax -T $(NXQ_K_LDS) -o $@ \
		$(NXQ_K_OBJS)

# init: compiled and linked as the fixture payloads are (RV_CC, RV_CFLAGS,
# fixtures/rt's runtime and link script), plus the loader's RISC-V objects
# (loader/build.mk) and qemu/common built the same way.
NXQ_I_OBJ := $(NXQ_DIR)/init
NXQ_I_OBJS := $(patsubst qemu/init/%.c,$(NXQ_I_OBJ)/%.o,$(wildcard qemu/init/*.c)) \
	$(patsubst qemu/common/%.c,$(NXQ_I_OBJ)/common/%.o,$(wildcard qemu/common/*.c))
NXQ_I_CFLAGS := $(RV_CFLAGS) -MMD -MP -Iloader -Iqemu -Iqemu/common -Iqemu/init

$(NXQ_I_OBJ)/%.o: qemu/init/%.c
	@mkdir -p $(@D)
	$(RV_CC) $(NXQ_I_CFLAGS) -c $< -o $@

$(NXQ_I_OBJ)/common/%.o: qemu/common/%.c
	@mkdir -p $(@D)
	$(RV_CC) $(NXQ_I_CFLAGS) -c $< -o $@

# Stripped: init travels in every boot image and is copied twice on the
# way (its symbols are in the objects it is linked from).
$(NXQ_INIT): $(NXQ_I_OBJS) $(LOADER_RV_OBJS) $(FIX_RT_NEXUS) $(FIX_LINK_LD)
	$(RV_CC) $(RV_LDFLAGS) -Wl,--strip-all -T $(FIX_LINK_LD) -o $@ $(filter %.o,$^)

# nexus-qemu: a host program like nexus-sim (one compile rule, one link
# recipe); qemu/common's image check built for the host too. The paths of
# this build's kernel image and init are baked into target_files.o.
NXQ_HOST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard qemu/host/*.c)) \
	$(BUILD)/qemu/common/image_check.o
$(BUILD)/qemu/host/%.o: INC := $(INC_HOST) -Iqemu -Iqemu/common
$(BUILD)/qemu/common/%.o: INC := $(INC_ABI) -Iqemu -Iqemu/common
$(BUILD)/qemu/host/target_files.o: NX_DEFS := \
	-DNXQ_KERNEL_PATH='"$(abspath $(NXQ_KERNEL))"' -DNXQ_INIT_PATH='"$(abspath $(NXQ_INIT))"'

$(NXQ_TOOL): $(NXQ_HOST_OBJS) $(HOST_LIB) $(FORMATS_LIB)
# libsodium linked statically, as the daemons do: every run starts the tool
# once, and each dynamic library costs start-up (~3 ms here).
$(NXQ_TOOL): LIBS := -Wl,-Bstatic -lsodium -Wl,-Bdynamic
HOST_PROGS += $(NXQ_TOOL)

.PHONY: qemu qemu-test
qemu: $(NXQ_KERNEL) $(NXQ_INIT) $(NXQ_TOOL)
PRODUCT += $(NXQ_KERNEL) $(NXQ_INIT) $(NXQ_TOOL)

# The QEMU target's tests: the marker ladder, the command line, and the
# parity suite (every fixture on both targets). `make qemu-test` runs them
# alone; `make test` runs them with the rest: its deps step installs
# qemu-system-riscv64 (qemu-system-misc, scripts/install-deps), so they are
# listed unconditionally (a check made when make reads this file would
# miss a QEMU that deps installs a moment later).
NXQ_TESTS := tests/e2e/qemu_ladder.sh tests/e2e/qemu_cli.sh tests/e2e/qemu_parity.py
E2E_TESTS += $(NXQ_TESTS)

qemu-test: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@NX_BIN=$(BIN) NX_BUILD=$(BUILD) scripts/run-tests $(NXQ_TESTS)
