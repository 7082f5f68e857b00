# daemons/init/: the launch policy, supervision and the control channel.
INIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/init/*.c))

$(DAEMON_DIR)/init: $(INIT_OBJS) $(NXD_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(INIT_OBJS) $(NXD_LIB) -lseccomp

BINS += $(DAEMON_DIR)/init

# nexus-sim's boot/run side (sim/boot.c) bakes in two source-tree paths:
# the default trust directory and the build's bundles (the bundle search
# path's last entry). Set here, for that one object, because sim/build.mk
# is shared.
$(BUILD)/sim/boot.o: CFLAGS += -DNX_DEFAULT_TRUST_DIR='"$(abspath fixtures/trust)"' \
	-DNX_DEFAULT_BUNDLE_DIR='"$(abspath $(BUILD))/bundles"'

E2E_TESTS += tests/e2e/boot_ladder.sh tests/e2e/boot_cli.sh tests/e2e/seccomp_fault.sh \
	tests/e2e/run_hello.sh tests/e2e/run_exit_codes.sh tests/e2e/leak_100.sh \
	tests/e2e/strace_execd.sh
