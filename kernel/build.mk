# kernel/: kernel objects and the syscall table, backend-neutral and
# freestanding (libnxkernel.a). The CPU engine (kernel/cpu.h) and the
# platform (kernel/port.h) are linked by whoever links this library:
# sim/cpu_unicorn.c and sim/port_linux.c in nexus-sim and the tests.
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard kernel/*.c))
$(BUILD)/kernel/%.o: INC := $(INC_KERNEL)
$(KERNEL_LIB): $(KERNEL_OBJS)
HOST_LIBS += $(KERNEL_LIB)
# The Linux side of the kernel's ports, for nexus-sim and the tests.
KERNEL_LINUX := $(BUILD)/sim/cpu_unicorn.o $(BUILD)/sim/rv_access.o $(BUILD)/sim/port_linux.o

# The proof that kernel/ holds no host call: every kernel/*.c compiles
# for RISC-V freestanding, seeing only the compiler's own stddef.h (with
# the helper it includes), stdint.h, stdbool.h and stdarg.h, linked one
# by one into a directory of their own, besides include/ and kernel/.
KERNEL_FS_DIR := $(BUILD)/kernel/freestanding
KERNEL_FS_PROOF := $(KERNEL_FS_DIR)/ok
$(KERNEL_FS_DIR)/include/stdint.h:
	@mkdir -p $(@D)
	@res=$$(clang -print-resource-dir)/include; \
	for h in stddef.h __stddef_max_align_t.h stdint.h stdbool.h stdarg.h; do ln -sf "$$res/$$h" $(@D)/$$h; done
$(KERNEL_FS_DIR)/%.o: kernel/%.c $(KERNEL_FS_DIR)/include/stdint.h
	$(RV_CC) -std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -nostdinc \
		-isystem $(KERNEL_FS_DIR)/include -Iinclude -Ikernel -MMD -MP -c $< -o $@
$(KERNEL_FS_PROOF): $(patsubst kernel/%.c,$(KERNEL_FS_DIR)/%.o,$(wildcard kernel/*.c))
	@touch $@
PRODUCT += $(KERNEL_LIB)
TEST_BINS += $(KERNEL_FS_PROOF)

# The test harness: ELF payloads through the loader plan and the kernel
# calls (tests/harness/), with the Unicorn backend.
HARNESS := $(BUILD)/harness/nxrun-elf
$(HARNESS): $(BUILD)/tests/harness/nxrun_elf.o $(BUILD)/tests/harness/kcall_direct.o \
	$(KERNEL_LINUX) $(KERNEL_LIB) $(NXD_DEPS)
$(HARNESS): LIBS := $(UNICORN_LIBS) -lsodium -lseccomp

# Unit tests: kernel objects and the CPU backend, with tiny hand-built tasks.
KTEST_OBJS := $(BUILD)/tests/harness/kcall_direct.o $(BUILD)/tests/harness/tinytask.o \
	$(KERNEL_LINUX)
$(BUILD)/tests/test_kernel_objects: $(BUILD)/tests/unit/test_kernel_objects.o $(KTEST_OBJS) \
	$(KERNEL_LIB)
$(BUILD)/tests/test_cpu_unicorn: $(BUILD)/tests/unit/test_cpu_unicorn.o $(KTEST_OBJS) $(KERNEL_LIB)
# Channels: queues, handles in messages, deadlines, wakes (docs/abi.md).
$(BUILD)/tests/test_channel: $(BUILD)/tests/unit/test_channel.o $(KTEST_OBJS) $(KERNEL_LIB)
# The seed endpoint and spawn_attrs version 2 (kernel/seed.c).
$(BUILD)/tests/test_seed: $(BUILD)/tests/unit/test_seed.o $(KTEST_OBJS) $(KERNEL_LIB)
# The kernel socket and loop (sim/ksock.c, sim/loop.c), driven by a forked
# client that loads fixtures through elf_spawn over the socket.
$(BUILD)/tests/test_kernel_ksock: $(BUILD)/tests/unit/test_kernel_ksock.o $(BUILD)/sim/ksock.o \
	$(BUILD)/sim/console.o $(BUILD)/sim/seed_bridge.o \
	$(BUILD)/sim/loop.o $(BUILD)/sim/watchdog.o $(KERNEL_LINUX) $(KERNEL_LIB) $(NXD_DEPS) \
	| $(BUILD)/payloads/hello.elf $(BUILD)/payloads/busy.elf $(BUILD)/payloads/exit42.elf
# The trace hooks (nxk_opts.trace), with tiny tasks.
$(BUILD)/tests/test_kernel_trace: $(BUILD)/tests/unit/test_kernel_trace.o $(KTEST_OBJS) $(KERNEL_LIB)
KERNEL_TESTS := $(addprefix $(BUILD)/tests/test_,kernel_objects cpu_unicorn kernel_ksock \
	kernel_trace channel seed)
$(KERNEL_TESTS): LIBS := $(UNICORN_LIBS) -lsodium -lseccomp -lcmocka

HOST_PROGS += $(HARNESS) $(KERNEL_TESTS)
TEST_BINS += $(HARNESS) $(KERNEL_TESTS)
UNIT_TESTS += $(KERNEL_TESTS)
E2E_TESTS += tests/e2e/kernel_harness.sh tests/e2e/chan_payloads.sh
