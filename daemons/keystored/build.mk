# daemons/keystored: the trusted keys and signature verification.
KEYSTORED_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/keystored/*.c))

$(DAEMON_DIR)/keystored: $(KEYSTORED_OBJS) $(NXD_LIB) $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(DAEMON_SYSLIBS)

BINS += $(DAEMON_DIR)/keystored
