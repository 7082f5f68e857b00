# sim/: the nexus-sim executable (the kernel process and its CLI).
SIM_SRCS := $(wildcard sim/*.c)
SIM_OBJS := $(SIM_SRCS:%.c=$(BUILD)/%.o)
SIM_LIBS := $(if $(wildcard kernel/build.mk),$(KERNEL_LIB)) \
	$(if $(wildcard daemons/lib/build.mk),$(NXD_LIB)) \
	$(if $(wildcard formats/build.mk),$(FORMATS_LIB)) $(LOADER_LIB)

$(BIN)/nexus-sim: $(SIM_OBJS) $(SIM_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(SIM_OBJS) $(SIM_LIBS) $(UNICORN_LIBS) -lsodium -larchive -lseccomp

BINS += $(BIN)/nexus-sim
