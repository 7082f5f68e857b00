# daemons/bundlemgrd: install / upgrade / uninstall / list / verified payloads.
BUNDLEMGRD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/bundlemgrd/*.c))
# Everything but main and the keystored client: what the unit tests drive.
BM_CORE_OBJS := $(addprefix $(BUILD)/daemons/bundlemgrd/,bm_store.o bm_verify.o bm_ops.o)

$(DAEMON_DIR)/bundlemgrd: $(BUNDLEMGRD_OBJS) $(NXD_LIB) $(FORMATS_LIB) $(LOADER_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(DAEMON_SYSLIBS)

$(BUILD)/tests/test_bundlemgr_store: $(BUILD)/tests/unit/test_bundlemgr_store.o \
		$(BUILD)/tests/unit/bm_faulty_io.o $(BUILD)/daemons/bundlemgrd/bm_store.o $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka

$(BUILD)/tests/test_bundlemgr_ops: $(BUILD)/tests/unit/test_bundlemgr_ops.o \
		$(BUILD)/tests/unit/bm_faulty_io.o $(BM_CORE_OBJS) \
		$(NXD_LIB) $(FORMATS_LIB) $(LOADER_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lsodium -lseccomp -lcmocka

BINS += $(DAEMON_DIR)/bundlemgrd
UNIT_TESTS += $(BUILD)/tests/test_bundlemgr_store $(BUILD)/tests/test_bundlemgr_ops
E2E_TESTS += $(sort $(wildcard tests/e2e/bundle_*.sh))

# Drives the real keystored executable through bundlemgrd's client.
$(BUILD)/tests/test_bundlemgr_keys: $(BUILD)/tests/unit/test_bundlemgr_keys.o \
		$(BUILD)/daemons/bundlemgrd/bm_keys.o $(NXD_LIB) $(FORMATS_LIB) \
		| $(DAEMON_DIR)/keystored
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) -lsodium -lseccomp -lcmocka

UNIT_TESTS += $(BUILD)/tests/test_bundlemgr_keys
