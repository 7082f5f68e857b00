# daemons/keystored: the trusted keys and signature verification.
KEYSTORED_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/keystored/*.c))
$(BUILD)/daemons/keystored/%.o: INC := $(call inc_daemon,keystored)
$(DAEMON_DIR)/keystored: $(KEYSTORED_OBJS) $(NXD_DEPS)
$(DAEMON_DIR)/keystored: LIBS := $(DAEMON_SYSLIBS)
HOST_PROGS += $(DAEMON_DIR)/keystored
PRODUCT += $(DAEMON_DIR)/keystored
