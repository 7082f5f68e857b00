# tests/nxsgen/: nxsgen, a good .nxs with one named fault, for the update
# refusal tests (tests/e2e/update_refusals.sh, registered by
# daemons/updated/build.mk). It reads and writes with libnxnxs (libarchive).
NXSGEN := $(BUILD)/tests/nxsgen/nxsgen
$(NXSGEN): $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/nxsgen/*.c)) $(NXS_LIB) $(FORMATS_LIB)
$(NXSGEN): LIBS := -larchive -lsodium -lz
HOST_PROGS += $(NXSGEN)
TEST_BINS += $(NXSGEN)
