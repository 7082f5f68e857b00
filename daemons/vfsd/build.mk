# daemons/vfsd: the path namespace (pkg:/ aliases, /packages -> packagefsd).
VFSD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/vfsd/*.c))
$(BUILD)/daemons/vfsd/%.o: INC := $(call inc_daemon,vfsd)
$(DAEMON_DIR)/vfsd: $(VFSD_OBJS) $(VFS_LIB) $(NXD_DEPS)
$(DAEMON_DIR)/vfsd: LIBS := $(DAEMON_SYSLIBS)

# Drives the real packagefsd and vfsd executables.
$(BUILD)/tests/test_vfs_daemons: $(BUILD)/tests/unit/test_vfs_daemons.o $(NXD_DEPS) \
	| $(DAEMON_DIR)/vfsd $(DAEMON_DIR)/packagefsd
$(BUILD)/tests/test_vfs_daemons: LIBS := -lsodium -lseccomp -lcmocka

HOST_PROGS += $(DAEMON_DIR)/vfsd $(BUILD)/tests/test_vfs_daemons
PRODUCT += $(DAEMON_DIR)/vfsd
TEST_BINS += $(BUILD)/tests/test_vfs_daemons
UNIT_TESTS += $(BUILD)/tests/test_vfs_daemons
