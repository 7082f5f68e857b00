# system.nxsindex: the signed table of contents of a .nxs system set.
# Upstream Nexus SystemSetIndex and BundleEntry with their ordinals and
# defaults kept, so the bytes stay readable by upstream readers, plus our
# healthCheck @5 (upstream readers skip it). A new file id: this schema
# is upstream's plus a field, not upstream's. Encoded canonically by our
# hand-written codec (formats/nxs_index.c); tests/e2e/nxs_pack.sh checks
# our bytes with `capnp convert`. Field rules: docs/formats.md.
@0xd3e8ef2c8e7ef0b6;

struct SystemSetIndex {
  schemaVersion @0 :UInt8 = 1;
  systemVersion @1 :Text;        # SemVer of the whole set
  publisher @2 :Data;            # Ed25519 public key of the signer, 32 bytes
  timestampUnixMs @3 :UInt64;    # when it was packed; the tar mtime in seconds
  bundles @4 :List(BundleEntry); # 1..256, sorted by name, names unique
  healthCheck @5 :Text;          # empty, or the name of a bundle in the set
}

struct BundleEntry {
  name @0 :Text;
  version @1 :Text;              # the manifest's semver
  manifestSha256 @2 :Data;       # SHA-256 of <name>.nxb/manifest.nxb, 32 bytes
  payloadSha256 @3 :Data;        # SHA-256 of <name>.nxb/payload.elf, 32 bytes
  payloadSize @4 :UInt64;        # bytes of payload.elf, 1..50 MiB
}
