# host/: libnxhost, process and file plumbing shared by nexus-sim, init,
# keystored and the tests.
HOST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard host/*.c))
$(BUILD)/host/%.o: INC := $(INC_HOST)
$(HOST_LIB): $(HOST_OBJS)
HOST_LIBS += $(HOST_LIB)
