# tools/: nxkey, nxb-pack, and the toml-dump test helper; the fixture
# bundles they build come from fixtures/bundles.mk.
$(BUILD)/tools/%.o: INC := $(INC_FORMATS)
$(BIN)/nxkey: $(BUILD)/tools/nxkey.o $(FORMATS_LIB)
$(BIN)/nxb-pack: $(BUILD)/tools/nxb_pack.o $(FORMATS_LIB)
$(BUILD)/tests/toml-dump: $(BUILD)/tools/toml_dump.o $(FORMATS_LIB)
TOOLS := $(BIN)/nxkey $(BIN)/nxb-pack $(BUILD)/tests/toml-dump
$(TOOLS): LIBS := -lsodium

HOST_PROGS += $(TOOLS)
PRODUCT += $(BIN)/nxkey $(BIN)/nxb-pack
TEST_BINS += $(BUILD)/tests/toml-dump

include fixtures/bundles.mk

E2E_TESTS += tests/e2e/capnp_oracle.sh tests/e2e/toml_oracle.sh tests/e2e/nxb_pack.sh
