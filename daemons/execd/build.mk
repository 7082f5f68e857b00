# daemons/execd: the spawner (payload -> loader -> kernel -> wait -> report).
EXECD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/execd/*.c))
$(BUILD)/daemons/execd/%.o: INC := $(call inc_daemon,execd)

$(DAEMON_DIR)/execd: $(EXECD_OBJS) $(VFS_LIB) $(NXD_DEPS)
$(DAEMON_DIR)/execd: LIBS := $(DAEMON_SYSLIBS)

$(BUILD)/tests/test_execd_req: $(BUILD)/tests/unit/test_execd_req.o \
	$(BUILD)/daemons/execd/exec_req.o $(BUILD)/daemons/execd/exec_report.o $(VFS_LIB) \
	$(FORMATS_LIB)
$(BUILD)/tests/test_execd_req: LIBS := -lsodium -lcmocka

HOST_PROGS += $(DAEMON_DIR)/execd $(BUILD)/tests/test_execd_req
PRODUCT += $(DAEMON_DIR)/execd
TEST_BINS += $(BUILD)/tests/test_execd_req
UNIT_TESTS += $(BUILD)/tests/test_execd_req
E2E_TESTS += $(sort $(wildcard tests/e2e/exec_*.sh)) tests/e2e/spawn_path.sh \
	tests/e2e/spawner_determinism.sh
