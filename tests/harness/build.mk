# tests/harness/no-landlock: a command run as on a kernel without Landlock
# (tests/e2e/confinement.sh). The other harness programs are built by
# kernel/build.mk, beside the code they drive.
NO_LANDLOCK := $(BUILD)/harness/no-landlock
$(NO_LANDLOCK): $(BUILD)/tests/harness/no_landlock.o
$(NO_LANDLOCK): LIBS := -lseccomp
HOST_PROGS += $(NO_LANDLOCK)
TEST_BINS += $(NO_LANDLOCK)
