# formats/: on-disk formats (libnxformats) and their unit tests.
# Users link $(FORMATS_LIB) and -lsodium. The .nxs archive code is the
# only libarchive user and has its own library, so that nothing else
# (nexus-sim, the daemons, the other fuzz targets) links libarchive:
# users of $(NXS_LIB) link it before $(FORMATS_LIB) and add -larchive.
NXS_SRCS := formats/nxs_read.c formats/nxs_tar.c formats/nxs_write.c
FORMATS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out $(NXS_SRCS),$(wildcard formats/*.c)))
NXS_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(NXS_SRCS))
$(BUILD)/formats/%.o: INC := $(INC_FORMATS)
$(FORMATS_LIB): $(FORMATS_OBJS)
$(NXS_LIB): $(NXS_OBJS)
HOST_LIBS += $(FORMATS_LIB) $(NXS_LIB)

FORMATS_TESTS := $(addprefix $(BUILD)/tests/test_,capnp manifest toml sig nxb bootctrl programs)
$(FORMATS_TESTS): $(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(HOST_LIB) $(FORMATS_LIB)
$(FORMATS_TESTS): LIBS := -lsodium -lcmocka
# BootCtrl's CRC-32 is zlib's; its test also drives host/bootctrl_file.c.
$(BUILD)/tests/test_bootctrl: LIBS := -lsodium -lcmocka -lz
# The .nxs tests share a helper (an index over the bundle cap); the
# reader and writer tests link libarchive.
NXS_TESTS := $(BUILD)/tests/test_nxs_index $(BUILD)/tests/test_nxs
$(BUILD)/tests/test_nxs_index: $(BUILD)/tests/unit/test_nxs_index.o \
	$(BUILD)/tests/unit/nxs_test_index.o $(FORMATS_LIB)
$(BUILD)/tests/test_nxs: $(BUILD)/tests/unit/test_nxs.o $(BUILD)/tests/unit/nxs_test_index.o \
	$(NXS_LIB) $(FORMATS_LIB)
$(BUILD)/tests/test_nxs_index: LIBS := -lsodium -lcmocka
$(BUILD)/tests/test_nxs: LIBS := -larchive -lsodium -lcmocka
FORMATS_TESTS += $(NXS_TESTS)
HOST_PROGS += $(FORMATS_TESTS)
TEST_BINS += $(FORMATS_TESTS)
UNIT_TESTS += $(FORMATS_TESTS)
