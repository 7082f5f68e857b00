# sim/: the nexus-sim executable (the kernel process and its CLI).
SIM_SRCS := $(wildcard sim/*.c)
SIM_OBJS := $(SIM_SRCS:%.c=$(BUILD)/%.o)
SIM_LIBS := $(if $(wildcard kernel/build.mk),$(KERNEL_LIB)) \
	$(if $(wildcard daemons/lib/build.mk),$(NXD_LIB)) \
	$(if $(wildcard formats/build.mk),$(FORMATS_LIB)) $(LOADER_LIB)

$(BIN)/nexus-sim: $(SIM_OBJS) $(SIM_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(SIM_OBJS) $(SIM_LIBS) $(UNICORN_LIBS) -lsodium -lseccomp

BINS += $(BIN)/nexus-sim

# Two source-tree paths baked into nexus-sim: the default trust directory
# (the dev key, TEST ONLY) and the build's bundles, the last entry of the
# bundle search path. Only the objects that use them get them.
$(BUILD)/sim/boot.o $(BUILD)/sim/inspect_bundle.o: CFLAGS += \
	-DNX_DEFAULT_TRUST_DIR='"$(abspath fixtures/trust)"' \
	-DNX_DEFAULT_BUNDLE_DIR='"$(abspath $(BUILD))/bundles"'
