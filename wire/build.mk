# wire/: libnxwire, the frame codec below nexus-sim and libnxd.
WIRE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard wire/*.c))
$(BUILD)/wire/%.o: INC := $(INC_WIRE)
$(WIRE_LIB): $(WIRE_OBJS)
HOST_LIBS += $(WIRE_LIB)
