# daemons/execd: the spawner (payload -> loader -> kernel -> wait -> report).
EXECD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/execd/*.c)) \
	$(BUILD)/daemons/vfsd/vfs_path.o

$(DAEMON_DIR)/execd: $(EXECD_OBJS) $(NXD_LIB) $(FORMATS_LIB) $(LOADER_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(DAEMON_SYSLIBS)

$(BUILD)/tests/test_execd_req: $(BUILD)/tests/unit/test_execd_req.o \
		$(BUILD)/daemons/execd/exec_req.o $(BUILD)/daemons/execd/exec_report.o \
		$(BUILD)/daemons/vfsd/vfs_path.o $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lsodium -lcmocka

BINS += $(DAEMON_DIR)/execd
UNIT_TESTS += $(BUILD)/tests/test_execd_req
E2E_TESTS += $(sort $(wildcard tests/e2e/exec_*.sh))
