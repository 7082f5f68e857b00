# manifest.nxb: the bundle manifest, upstream Nexus BundleManifest with its
# ordinals and defaults kept so the bytes stay compatible. Our reader and
# builder (formats/capnp.c, formats/manifest.c) are hand-written to this
# layout; tests/e2e/capnp_oracle.sh checks our bytes with `capnp convert`.
# Field rules: docs/formats.md.
@0xd82ef63dc6da9df2;

struct BundleManifest {
  schemaVersion @0 :UInt8 = 1;
  name @1 :Text;
  semver @2 :Text;
  abilities @3 :List(Text);
  capabilities @4 :List(Text);
  minSdk @5 :Text;
  publisher @6 :Data;            # 16 bytes, or absent
  signature @7 :Data;            # always absent: manifest.sig is detached
  payloadDigest @8 :Data;        # SHA-256 of payload.elf, 32 bytes
  payloadSize @9 :UInt64;
  sbomDigest @10 :Data;          # 32 bytes, or absent
  reproDigest @11 :Data;         # 32 bytes, or absent
  bundleType @12 :BundleType = app;

  struct Dependency {
    name @0 :Text;
    versionConstraint @1 :Text;
  }
  dependencies @13 :List(Dependency);
  providedServices @14 :List(Text);

  struct Resource {
    path @0 :Text;
    kind @1 :ResourceKind = icon;
  }
  resources @15 :List(Resource);
  payloadKind @16 :PayloadKind = elf;
  exports @17 :List(ExportDecl);
}

struct ExportDecl {
  ability @0 :Text;
  permission @1 :Text;
}

enum BundleType {
  app @0;
  service @1;
  library @2;
  driver @3;
  framework @4;
  shell @5;
  greeter @6;
  settings @7;
  filemanager @8;
  ime @9;
}

enum PayloadKind {
  elf @0;
  uiProgram @1;
}

enum ResourceKind {
  icon @0;
  cursor @1;
  font @2;
  wallpaper @3;
  sound @4;
  data @5;
}
