# daemons/bundlemgrd: install / upgrade / uninstall / list / verified payloads.
BUNDLEMGRD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/bundlemgrd/*.c))
$(BUILD)/daemons/bundlemgrd/%.o: INC := $(call inc_daemon,bundlemgrd)
# Everything but main and the keystored client: what the unit tests drive.
BM_CORE_OBJS := $(addprefix $(BUILD)/daemons/bundlemgrd/,bm_verify.o bm_ops.o)

$(DAEMON_DIR)/bundlemgrd: $(BUNDLEMGRD_OBJS) $(STORE_LIB) $(NXD_DEPS)
$(DAEMON_DIR)/bundlemgrd: LIBS := $(DAEMON_SYSLIBS)

$(BUILD)/tests/test_bundlemgr_store: $(BUILD)/tests/unit/test_bundlemgr_store.o \
	$(BUILD)/tests/unit/bm_faulty_io.o $(STORE_LIB) $(FORMATS_LIB)
$(BUILD)/tests/test_bundlemgr_ops: $(BUILD)/tests/unit/test_bundlemgr_ops.o \
	$(BUILD)/tests/unit/bm_faulty_io.o $(BM_CORE_OBJS) $(STORE_LIB) $(NXD_DEPS)
# Drives the real keystored executable through bundlemgrd's client.
$(BUILD)/tests/test_bundlemgr_keys: $(BUILD)/tests/unit/test_bundlemgr_keys.o \
	$(NXD_DEPS) | $(DAEMON_DIR)/keystored
BM_TESTS := $(addprefix $(BUILD)/tests/test_bundlemgr_,store ops keys)
$(BM_TESTS): LIBS := -lsodium -lseccomp -lcmocka

HOST_PROGS += $(DAEMON_DIR)/bundlemgrd $(BM_TESTS)
PRODUCT += $(DAEMON_DIR)/bundlemgrd
TEST_BINS += $(BM_TESTS)
UNIT_TESTS += $(BM_TESTS)
E2E_TESTS += $(sort $(wildcard tests/e2e/bundle_*.sh))
