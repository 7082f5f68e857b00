# daemons/samgrd: the service registry.
SAMGRD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/samgrd/*.c))
$(BUILD)/daemons/samgrd/%.o: INC := $(call inc_daemon,samgrd)
$(DAEMON_DIR)/samgrd: $(SAMGRD_OBJS) $(NXD_DEPS)
$(DAEMON_DIR)/samgrd: LIBS := $(DAEMON_SYSLIBS)
HOST_PROGS += $(DAEMON_DIR)/samgrd
PRODUCT += $(DAEMON_DIR)/samgrd
