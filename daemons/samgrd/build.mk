# daemons/samgrd/: the service registry.
SAMGRD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/samgrd/*.c))

$(DAEMON_DIR)/samgrd: $(SAMGRD_OBJS) $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(SAMGRD_OBJS) $(NXD_LIB) $(DAEMON_SYSLIBS)

BINS += $(DAEMON_DIR)/samgrd
