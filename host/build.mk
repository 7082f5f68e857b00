# host/: libnxhost, process and file plumbing shared by nexus-sim, init,
# the daemons and the tests (the sandboxes' Landlock, capability drop and
# seccomp helpers among them).
HOST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard host/*.c))
$(BUILD)/host/%.o: INC := $(INC_HOST)
$(HOST_LIB): $(HOST_OBJS)
HOST_LIBS += $(HOST_LIB)

# Source-tree paths baked into nexus-sim and nexus-qemu: the default
# trust directory (the dev key, TEST ONLY), the build's bundles (the last
# entry of the bundle search path) and its fixture system sets (boot
# --selftest). Only the object that uses them gets them.
$(BUILD)/host/bundle_path.o: NX_DEFS := \
	-DNX_DEFAULT_TRUST_DIR='"$(abspath fixtures/trust)"' \
	-DNX_DEFAULT_BUNDLE_DIR='"$(abspath $(BUILD))/bundles"' \
	-DNX_DEFAULT_SYSTEM_DIR='"$(abspath $(BUILD))/systems"'

# Confinement by path and capability (landlock.c, caps.c, escape.c) in every process.
E2E_TESTS += tests/e2e/confinement.sh
