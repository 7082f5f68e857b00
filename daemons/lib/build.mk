# daemons/lib/: libnxd, the library every daemon is built from (the loop,
# kernel calls, registry and log clients, seccomp, the ELF -> task
# sequence). Public headers in include/; the rest is libnxd's own.
NXD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/lib/*.c))
$(BUILD)/daemons/lib/%.o: INC := $(INC_NXD) -Idaemons/lib
$(NXD_LIB): $(NXD_OBJS)
HOST_LIBS += $(NXD_LIB)

NXD_TESTS := $(addprefix $(BUILD)/tests/test_,nxd_frame nxd_loop nxd_log nxd_elf_share)
$(NXD_TESTS): $(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(NXD_DEPS)
$(NXD_TESTS): LIBS := -lsodium -lseccomp -lcmocka

# init's throttle and samgrd's registry, linked from their objects.
$(BUILD)/tests/test_nxd_supervise: $(BUILD)/tests/unit/test_nxd_supervise.o \
	$(BUILD)/daemons/init/restart.o $(BUILD)/daemons/samgrd/registry.o $(NXD_DEPS)
$(BUILD)/tests/test_nxd_supervise: LIBS := -lsodium -lseccomp -lcmocka

HOST_PROGS += $(NXD_TESTS) $(BUILD)/tests/test_nxd_supervise
TEST_BINS += $(NXD_TESTS) $(BUILD)/tests/test_nxd_supervise
UNIT_TESTS += $(NXD_TESTS) $(BUILD)/tests/test_nxd_supervise

# make bench: one libnxd call round trip beside a raw socketpair one.
$(BUILD)/bench/ipc-rtt: $(BUILD)/tests/bench/ipc_rtt.o $(NXD_DEPS)
$(BUILD)/bench/ipc-rtt: LIBS := -lsodium -lseccomp
HOST_PROGS += $(BUILD)/bench/ipc-rtt
BENCH_BINS += $(BUILD)/bench/ipc-rtt
