# daemons/vfsd: the path namespace (pkg:/ aliases, /packages -> packagefsd).
VFSD_OBJS := $(BUILD)/daemons/vfsd/main.o $(BUILD)/daemons/vfsd/vfs_path.o

$(DAEMON_DIR)/vfsd: $(VFSD_OBJS) $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(DAEMON_SYSLIBS)

$(BUILD)/tests/test_vfs_path: $(BUILD)/tests/unit/test_vfs_path.o $(BUILD)/daemons/vfsd/vfs_path.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka

$(BUILD)/tests/test_vfs_pkgfs: $(BUILD)/tests/unit/test_vfs_pkgfs.o \
		$(BUILD)/daemons/packagefsd/pkgfs.o $(BUILD)/daemons/vfsd/vfs_path.o \
		$(BUILD)/daemons/bundlemgrd/bm_store.o $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lsodium -lcmocka

BINS += $(DAEMON_DIR)/vfsd
UNIT_TESTS += $(BUILD)/tests/test_vfs_path $(BUILD)/tests/test_vfs_pkgfs
E2E_TESTS += $(sort $(wildcard tests/e2e/vfs_*.sh))

# Drives the real packagefsd and vfsd executables.
$(BUILD)/tests/test_vfs_daemons: $(BUILD)/tests/unit/test_vfs_daemons.o $(NXD_LIB) \
		| $(DAEMON_DIR)/vfsd $(DAEMON_DIR)/packagefsd
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(NXD_LIB) -lseccomp -lcmocka

UNIT_TESTS += $(BUILD)/tests/test_vfs_daemons
