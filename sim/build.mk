# sim/: the nexus-sim executable (the kernel process and its CLI).
SIM_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard sim/*.c))
$(BUILD)/sim/%.o: INC := $(INC_SIM)

$(BIN)/nexus-sim: $(SIM_OBJS) $(KERNEL_LIB) $(HOST_LIB) $(FORMATS_LIB) $(WIRE_LIB) $(LOADER_LIB)
$(BIN)/nexus-sim: LIBS := $(UNICORN_LIBS) -lsodium

HOST_PROGS += $(BIN)/nexus-sim
PRODUCT += $(BIN)/nexus-sim
