# daemons/libvfs/: libnxvfs, the vfs path rules (vfsd, packagefsd, execd).
VFS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/libvfs/*.c))
$(BUILD)/daemons/libvfs/%.o: INC := $(INC_VFS)
$(VFS_LIB): $(VFS_OBJS)
HOST_LIBS += $(VFS_LIB)

$(BUILD)/tests/test_vfs_path: $(BUILD)/tests/unit/test_vfs_path.o $(VFS_LIB)
$(BUILD)/tests/test_vfs_path: LIBS := -lcmocka
HOST_PROGS += $(BUILD)/tests/test_vfs_path
TEST_BINS += $(BUILD)/tests/test_vfs_path
UNIT_TESTS += $(BUILD)/tests/test_vfs_path
