# sim/: the nexus-sim executable (the kernel process and its CLI).
SIM_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard sim/*.c))
$(BUILD)/sim/%.o: INC := $(INC_SIM)

$(BIN)/nexus-sim: $(SIM_OBJS) $(KERNEL_LIB) $(HOST_LIB) $(FORMATS_LIB) $(WIRE_LIB) $(LOADER_LIB)
# libseccomp statically, as the daemons do: nexus-sim starts on every run.
$(BIN)/nexus-sim: LIBS := $(UNICORN_LIBS) -lsodium -Wl,-Bstatic -lseccomp -Wl,-Bdynamic

HOST_PROGS += $(BIN)/nexus-sim
PRODUCT += $(BIN)/nexus-sim

# Two source-tree paths baked into nexus-sim: the default trust directory
# (the dev key, TEST ONLY) and the build's bundles, the last entry of the
# bundle search path. Only the object that uses them gets them.
$(BUILD)/sim/bundle_path.o: NX_DEFS := \
	-DNX_DEFAULT_TRUST_DIR='"$(abspath fixtures/trust)"' \
	-DNX_DEFAULT_BUNDLE_DIR='"$(abspath $(BUILD))/bundles"'

# nexus-sim's sandbox from inside (the argument rules no e2e run reaches).
$(BUILD)/tests/test_sim_sandbox: $(BUILD)/tests/unit/test_sim_sandbox.o $(BUILD)/sim/sandbox.o \
	$(BUILD)/sim/port_linux.o $(HOST_LIB)
$(BUILD)/tests/test_sim_sandbox: LIBS := -lseccomp -lcmocka
HOST_PROGS += $(BUILD)/tests/test_sim_sandbox
TEST_BINS += $(BUILD)/tests/test_sim_sandbox
UNIT_TESTS += $(BUILD)/tests/test_sim_sandbox
