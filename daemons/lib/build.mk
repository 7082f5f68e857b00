# daemons/lib/: libnxd, the library every daemon is built from (framing,
# loop, kernel calls, registry and log clients, seccomp), including the
# kernel helper's elf_spawn.c.
NXD_SRCS := $(wildcard daemons/lib/*.c)
NXD_OBJS := $(NXD_SRCS:%.c=$(BUILD)/%.o)

$(NXD_LIB): $(NXD_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

NXD_TEST_LIBS := $(NXD_LIB) -lseccomp -lcmocka

$(BUILD)/tests/test_nxd_frame: $(BUILD)/tests/unit/test_nxd_frame.o $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(NXD_TEST_LIBS)

$(BUILD)/tests/test_nxd_loop: $(BUILD)/tests/unit/test_nxd_loop.o $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(NXD_TEST_LIBS)

$(BUILD)/tests/test_nxd_log: $(BUILD)/tests/unit/test_nxd_log.o $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(NXD_TEST_LIBS)

UNIT_TESTS += $(BUILD)/tests/test_nxd_frame $(BUILD)/tests/test_nxd_loop $(BUILD)/tests/test_nxd_log

# init's throttle and samgrd's registry, linked from their objects.
$(BUILD)/tests/test_nxd_supervise: $(BUILD)/tests/unit/test_nxd_supervise.o \
		$(BUILD)/daemons/init/restart.o $(BUILD)/daemons/samgrd/registry.o $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(NXD_TEST_LIBS)

UNIT_TESTS += $(BUILD)/tests/test_nxd_supervise

# make bench: one libnxd call round trip beside a raw socketpair one.
$(BUILD)/bench/ipc-rtt: $(BUILD)/tests/bench/ipc_rtt.o $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(NXD_LIB) -lseccomp

BINS += $(BUILD)/bench/ipc-rtt
