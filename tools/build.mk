# tools/: nxkey, nxb-pack, nxs-pack, and the toml-dump test helper; the
# fixture bundles and system sets they build come from fixtures/bundles.mk
# and fixtures/systems.mk.
$(BUILD)/tools/%.o: INC := $(INC_FORMATS)
# nxs-pack reads a --trust directory with libnxhost's nx_trust_load.
$(BUILD)/tools/nxs_pack.o: INC := $(INC_HOST)
$(BIN)/nxkey: $(BUILD)/tools/nxkey.o $(FORMATS_LIB)
$(BIN)/nxb-pack: $(BUILD)/tools/nxb_pack.o $(FORMATS_LIB)
$(BIN)/nxs-pack: $(BUILD)/tools/nxs_pack.o $(BUILD)/tools/nxs_pack_input.o $(NXS_LIB) \
	$(HOST_LIB) $(FORMATS_LIB)
$(BUILD)/tests/toml-dump: $(BUILD)/tools/toml_dump.o $(FORMATS_LIB)
TOOLS := $(BIN)/nxkey $(BIN)/nxb-pack $(BIN)/nxs-pack $(BUILD)/tests/toml-dump
$(TOOLS): LIBS := -lsodium
$(BIN)/nxs-pack: LIBS := -larchive -lsodium

HOST_PROGS += $(TOOLS)
PRODUCT += $(BIN)/nxkey $(BIN)/nxb-pack $(BIN)/nxs-pack
TEST_BINS += $(BUILD)/tests/toml-dump

include fixtures/bundles.mk fixtures/systems.mk

E2E_TESTS += tests/e2e/capnp_oracle.sh tests/e2e/toml_oracle.sh tests/e2e/nxb_pack.sh \
	tests/e2e/nxs_pack.sh
