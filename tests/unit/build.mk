# tests/: every test object sees every layer (tests sit above them all
# and drive modules' internals directly).
INC_TESTS := $(INC_SIM) -Idaemons/lib/include -Idaemons/lib -Idaemons/libstore -Idaemons/libvfs \
	$(addprefix -I,$(wildcard daemons/*/)) -Itests/harness -Itests/gen -Itests/unit -Itests/fuzz
$(BUILD)/tests/%.o: INC := $(INC_TESTS)
