# sim/: the nexus-sim executable (the kernel process and its CLI).
SIM_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard sim/*.c))
$(BUILD)/sim/%.o: INC := $(INC_SIM)

$(BIN)/nexus-sim: $(SIM_OBJS) $(KERNEL_LIB) $(HOST_LIB) $(FORMATS_LIB) $(WIRE_LIB) $(LOADER_LIB)
# libsodium and libseccomp statically, as the daemons do: nexus-sim starts on every run.
$(BIN)/nexus-sim: LIBS := $(UNICORN_LIBS) -lz -Wl,-Bstatic -lsodium -lseccomp -Wl,-Bdynamic
# A PIE, like every program here, though the static Unicorn brings some
# 62,000 relative relocations the loader applies at every start (~6 ms):
# the process that runs untrusted guest code keeps its image at a random
# address (docs/security.md).

HOST_PROGS += $(BIN)/nexus-sim
PRODUCT += $(BIN)/nexus-sim

# nexus-sim's sandbox from inside (the argument rules no e2e run reaches).
$(BUILD)/tests/test_sim_sandbox: $(BUILD)/tests/unit/test_sim_sandbox.o $(BUILD)/sim/sandbox.o \
	$(BUILD)/sim/port_linux.o $(HOST_LIB)
$(BUILD)/tests/test_sim_sandbox: LIBS := -lseccomp -lcmocka
HOST_PROGS += $(BUILD)/tests/test_sim_sandbox
TEST_BINS += $(BUILD)/tests/test_sim_sandbox
UNIT_TESTS += $(BUILD)/tests/test_sim_sandbox

# --trace and --timeline, end to end.
E2E_TESTS += tests/e2e/trace.sh tests/e2e/timeline.py

# The timeline's limits and JSON (sim/timeline.c).
$(BUILD)/tests/test_timeline: $(BUILD)/tests/unit/test_timeline.o $(BUILD)/sim/timeline.o
$(BUILD)/tests/test_timeline: LIBS := -lcmocka
HOST_PROGS += $(BUILD)/tests/test_timeline
TEST_BINS += $(BUILD)/tests/test_timeline
UNIT_TESTS += $(BUILD)/tests/test_timeline

# --wrap's word splitting (sim/wrap.c).
$(BUILD)/tests/test_sim_wrap: $(BUILD)/tests/unit/test_sim_wrap.o $(BUILD)/sim/wrap.o
$(BUILD)/tests/test_sim_wrap: LIBS := -lcmocka
HOST_PROGS += $(BUILD)/tests/test_sim_wrap
TEST_BINS += $(BUILD)/tests/test_sim_wrap
UNIT_TESTS += $(BUILD)/tests/test_sim_wrap

# nexus-sim test, --json, and a daemon restart between two runs of one session.
E2E_TESTS += $(sort $(wildcard tests/e2e/cli_*.sh))

# The escapes of the reports (TAP's YAML, JUnit's XML, --json).
$(BUILD)/tests/test_text_out: $(BUILD)/tests/unit/test_text_out.o $(BUILD)/sim/text_out.o
$(BUILD)/tests/test_text_out: LIBS := -lcmocka
HOST_PROGS += $(BUILD)/tests/test_text_out
TEST_BINS += $(BUILD)/tests/test_text_out
UNIT_TESTS += $(BUILD)/tests/test_text_out

# The console tee and the report's console tail at their limits.
$(BUILD)/tests/test_console_tee: $(BUILD)/tests/unit/test_console_tee.o \
	$(BUILD)/sim/console_tee.o $(BUILD)/sim/result.o
$(BUILD)/tests/test_console_tee: LIBS := -lcmocka
HOST_PROGS += $(BUILD)/tests/test_console_tee
TEST_BINS += $(BUILD)/tests/test_console_tee
UNIT_TESTS += $(BUILD)/tests/test_console_tee

# The gdb stub's packet framing.
$(BUILD)/tests/test_gdb_pkt: $(BUILD)/tests/unit/test_gdb_pkt.o $(BUILD)/sim/gdb_pkt.o
$(BUILD)/tests/test_gdb_pkt: LIBS := -lcmocka
HOST_PROGS += $(BUILD)/tests/test_gdb_pkt
TEST_BINS += $(BUILD)/tests/test_gdb_pkt
UNIT_TESTS += $(BUILD)/tests/test_gdb_pkt

E2E_TESTS += tests/e2e/gdb_stub.sh

# status: W/L launch accounting from execd's launch.v1 records (status_launches.c).
E2E_TESTS += tests/e2e/launch_accounting.sh
