# kernel/: kernel objects and the syscall table, backend-neutral
# (libnxkernel.a). The CPU backend (kernel/cpu.h) is linked by whoever
# links this library: sim/cpu_unicorn.c in nexus-sim and the tests.
KERNEL_SRCS := $(wildcard kernel/*.c)
KERNEL_OBJS := $(KERNEL_SRCS:%.c=$(BUILD)/%.o)

$(KERNEL_LIB): $(KERNEL_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# The test harness: ELF payloads through the loader plan and the kernel
# calls (tests/harness/), with the Unicorn backend.
HARNESS := $(BUILD)/harness/nxrun-elf
HARNESS_OBJS := $(BUILD)/tests/harness/nxrun_elf.o $(BUILD)/tests/harness/kcall_direct.o \
	$(BUILD)/daemons/lib/elf_spawn.o $(BUILD)/sim/cpu_unicorn.o

$(HARNESS): $(HARNESS_OBJS) $(KERNEL_LIB) $(LOADER_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(HARNESS_OBJS) $(KERNEL_LIB) $(LOADER_LIB) $(UNICORN_LIBS)

BINS += $(HARNESS)

# Unit tests: kernel objects and the CPU backend, with tiny hand-built tasks.
KTEST_OBJS := $(BUILD)/tests/harness/kcall_direct.o $(BUILD)/tests/harness/tinytask.o \
	$(BUILD)/sim/cpu_unicorn.o

$(BUILD)/tests/test_kernel_objects: $(BUILD)/tests/unit/test_kernel_objects.o $(KTEST_OBJS) \
		$(KERNEL_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(UNICORN_LIBS) -lcmocka

UNIT_TESTS += $(BUILD)/tests/test_kernel_objects

# The kernel socket and loop (sim/ksock.c, sim/loop.c), driven by a forked
# client that loads fixtures through elf_spawn over the socket.
KSOCK_TEST_OBJS := $(BUILD)/tests/unit/test_kernel_ksock.o $(BUILD)/sim/ksock.o \
	$(BUILD)/sim/loop.o $(BUILD)/sim/cpu_unicorn.o $(BUILD)/daemons/lib/elf_spawn.o

$(BUILD)/tests/test_kernel_ksock: $(KSOCK_TEST_OBJS) $(KERNEL_LIB) $(LOADER_LIB) \
		| $(BUILD)/payloads/hello.elf $(BUILD)/payloads/busy.elf $(BUILD)/payloads/exit42.elf
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(KSOCK_TEST_OBJS) $(KERNEL_LIB) $(LOADER_LIB) $(UNICORN_LIBS) \
		-lcmocka

UNIT_TESTS += $(BUILD)/tests/test_kernel_ksock

$(BUILD)/tests/test_cpu_unicorn: $(BUILD)/tests/unit/test_cpu_unicorn.o $(KTEST_OBJS) $(KERNEL_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(UNICORN_LIBS) -lcmocka

UNIT_TESTS += $(BUILD)/tests/test_cpu_unicorn
E2E_TESTS += tests/e2e/kernel_harness.sh
