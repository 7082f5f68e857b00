# daemons/packagefsd: the installed bundles as a read-only /packages tree.
PACKAGEFSD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/packagefsd/*.c))
$(BUILD)/daemons/packagefsd/%.o: INC := $(call inc_daemon,packagefsd)
$(DAEMON_DIR)/packagefsd: $(PACKAGEFSD_OBJS) $(STORE_LIB) $(VFS_LIB) $(NXD_DEPS)
$(DAEMON_DIR)/packagefsd: LIBS := $(DAEMON_SYSLIBS)

$(BUILD)/tests/test_vfs_pkgfs: $(BUILD)/tests/unit/test_vfs_pkgfs.o \
	$(BUILD)/daemons/packagefsd/pkgfs.o $(STORE_LIB) $(VFS_LIB) $(FORMATS_LIB)
$(BUILD)/tests/test_vfs_pkgfs: LIBS := -lsodium -lcmocka

HOST_PROGS += $(DAEMON_DIR)/packagefsd $(BUILD)/tests/test_vfs_pkgfs
PRODUCT += $(DAEMON_DIR)/packagefsd
TEST_BINS += $(BUILD)/tests/test_vfs_pkgfs
UNIT_TESTS += $(BUILD)/tests/test_vfs_pkgfs
