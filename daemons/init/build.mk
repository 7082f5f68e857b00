# daemons/init/: the launch policy, supervision and the control channel.
INIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard daemons/init/*.c))
$(BUILD)/daemons/init/%.o: INC := $(call inc_daemon,init)

$(DAEMON_DIR)/init: $(INIT_OBJS) $(NXD_DEPS)
$(DAEMON_DIR)/init: LIBS := $(DAEMON_SYSLIBS)

HOST_PROGS += $(DAEMON_DIR)/init
PRODUCT += $(DAEMON_DIR)/init
E2E_TESTS += tests/e2e/boot_ladder.sh tests/e2e/boot_cli.sh tests/e2e/seccomp_fault.sh \
	tests/e2e/run_hello.sh tests/e2e/leak_100.sh \
	tests/e2e/strace_execd.sh tests/e2e/fault_hang.sh tests/e2e/run_capabilities.sh tests/e2e/run_limits.sh \
	tests/e2e/state_dir.sh tests/e2e/signals.sh tests/e2e/soak.py
E2E_TESTS += tests/e2e/wrap.sh tests/e2e/boot_concurrent.sh
# run --with, and run PROGRAM through init's registry (programs.c).
E2E_TESTS += tests/e2e/run_with.sh tests/e2e/run_registry.sh

# init's program registry for the fixture bundles, beside them: nexus-sim's
# default --registry (host/bundle_path.c).
$(BUILD)/bundles/programs.toml: fixtures/programs.toml
	@mkdir -p $(dir $@)
	cp $< $@
PRODUCT += $(BUILD)/bundles/programs.toml

# init's hold on the daemons' start-up lines (the boot ladder), linked from its object.
$(BUILD)/tests/test_init_startout: $(BUILD)/tests/unit/test_init_startout.o \
	$(BUILD)/daemons/init/startout.o
$(BUILD)/tests/test_init_startout: LIBS := -lcmocka
HOST_PROGS += $(BUILD)/tests/test_init_startout
TEST_BINS += $(BUILD)/tests/test_init_startout
UNIT_TESTS += $(BUILD)/tests/test_init_startout
