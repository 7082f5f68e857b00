# daemons/init/: the launch policy, supervision and the control channel.
INIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/init/*.c))

$(DAEMON_DIR)/init: $(INIT_OBJS) $(NXD_LIB) $(FORMATS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(INIT_OBJS) $(NXD_LIB) $(FORMATS_LIB) $(DAEMON_SYSLIBS)

BINS += $(DAEMON_DIR)/init

E2E_TESTS += tests/e2e/boot_ladder.sh tests/e2e/boot_cli.sh tests/e2e/seccomp_fault.sh \
	tests/e2e/run_hello.sh tests/e2e/run_exit_codes.sh tests/e2e/leak_100.sh \
	tests/e2e/strace_execd.sh
