# daemons/packagefsd: the installed bundles as a read-only /packages tree.
PACKAGEFSD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/packagefsd/*.c)) \
	$(BUILD)/daemons/vfsd/vfs_path.o $(BUILD)/daemons/bundlemgrd/bm_store.o

$(DAEMON_DIR)/packagefsd: $(PACKAGEFSD_OBJS) $(NXD_LIB) $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(DAEMON_SYSLIBS)

BINS += $(DAEMON_DIR)/packagefsd
