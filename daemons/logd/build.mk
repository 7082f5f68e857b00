# daemons/logd: structured log records to the console and the journal.
LOGD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/logd/*.c))
$(BUILD)/daemons/logd/%.o: INC := $(call inc_daemon,logd)
$(DAEMON_DIR)/logd: $(LOGD_OBJS) $(NXD_DEPS)
$(DAEMON_DIR)/logd: LIBS := $(DAEMON_SYSLIBS)
HOST_PROGS += $(DAEMON_DIR)/logd
PRODUCT += $(DAEMON_DIR)/logd
