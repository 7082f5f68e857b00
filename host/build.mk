# host/: libnxhost, process and file plumbing shared by nexus-sim, init,
# the daemons and the tests (the sandboxes' Landlock, capability drop and
# seccomp helpers among them).
HOST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard host/*.c))
$(BUILD)/host/%.o: INC := $(INC_HOST)
$(HOST_LIB): $(HOST_OBJS)
HOST_LIBS += $(HOST_LIB)

# Confinement by path and capability (landlock.c, caps.c, escape.c) in every process.
E2E_TESTS += tests/e2e/confinement.sh
