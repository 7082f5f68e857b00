# daemons/updated: A/B updates: BootCtrl, Stage / Switch / HealthOk / Rollback.
UPDATED_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/updated/*.c))
$(BUILD)/daemons/updated/%.o: INC := $(call inc_daemon,updated)
# Everything but main: what the unit tests drive.
UPD_CORE_OBJS := $(filter-out %/main.o,$(UPDATED_OBJS))

# libarchive (the .nxs reader) is linked statically: only its tar code
# is pulled in, whereas its shared form loads a dozen libraries (ICU,
# libxml2, every compressor) at each start, on the boot's critical path
# (bundlemgrd waits for updated's boot decision).
$(DAEMON_DIR)/updated: $(UPDATED_OBJS) $(STORE_LIB) $(NXS_LIB) $(NXD_DEPS)
$(DAEMON_DIR)/updated: LIBS := -Wl,-Bstatic -larchive -lz -Wl,-Bdynamic $(DAEMON_SYSLIBS)

HOST_PROGS += $(DAEMON_DIR)/updated
PRODUCT += $(DAEMON_DIR)/updated
E2E_TESTS += $(sort $(wildcard tests/e2e/update_*.sh))
