# daemons/logd/: structured log records to the console and the journal.
LOGD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/logd/*.c))

$(DAEMON_DIR)/logd: $(LOGD_OBJS) $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(LOGD_OBJS) $(NXD_LIB) $(DAEMON_SYSLIBS)

BINS += $(DAEMON_DIR)/logd
