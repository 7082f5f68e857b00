# daemons/libstore/: libnxstore, the installed-bundle store in the state
# directory (bundlemgrd writes it, packagefsd reads it).
STORE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/libstore/*.c))
$(BUILD)/daemons/libstore/%.o: INC := $(INC_STORE)
$(STORE_LIB): $(STORE_OBJS)
HOST_LIBS += $(STORE_LIB)
