/*
 * bundlemgrd: installs, upgrades, uninstalls and lists signed .nxb bundles
 * and hands out verified payloads.
 *
 * NX_BUNDLE_INSTALL      fd: the bundle directory (O_RDONLY | O_DIRECTORY);
 *                        body: optional label naming the bundle in messages
 *                        (e.g. "demo.hello.nxb"), at most NX_PATH_MAX - 1
 *                        bytes. Installs, or upgrades when the name is
 *                        installed and the new semver is strictly higher.
 *                        reply: arg 0, body "name@version".
 * NX_BUNDLE_UNINSTALL    body: name. Removes every installed version.
 *                        reply: arg = versions removed.
 * NX_BUNDLE_LIST         body empty. reply: arg = count, body = one
 *                        "name@version\n" per installed bundle, sorted.
 * NX_BUNDLE_GET_PAYLOAD  body: name (the newest installed version) or
 *                        "name@version" (that one). reply: arg = payload
 *                        bytes, fd = a memfd holding them, sealed with
 *                        NX_BUNDLE_SEALS, body struct nx_bundle_payload then
 *                        "name@version" (no NUL). The
 *                        bytes are re-verified (signature through
 *                        keystored, size, SHA-256) as they are copied into
 *                        the memfd, so the bytes verified are the bytes
 *                        the caller maps.
 *
 * A refusal: body = one line naming the bundle and the problem (at most
 * NX_ERRMSG_MAX bytes, nexus/svc.h); arg = -NX_EPERM (signature missing,
 * bad, or by an untrusted key), -NX_EINVAL (malformed member or manifest,
 * payload size or digest mismatch), -NX_EMSGSIZE (a member over its cap),
 * -NX_EEXIST (the same or a higher version is installed: "downgrade"),
 * -NX_ESRCH (no such bundle). -NX_ENOSPC: the state directory did not take
 * it (a write, fsync or rename failed); nothing is left behind.
 */
#ifndef NEXUS_SVC_BUNDLE_H
#define NEXUS_SVC_BUNDLE_H

#include <fcntl.h>
#include <stdint.h>

#define NX_SVC_BUNDLEMGRD "bundlemgrd"

#define NX_BUNDLE_INSTALL 0x0701
#define NX_BUNDLE_UNINSTALL 0x0702
#define NX_BUNDLE_LIST 0x0703
#define NX_BUNDLE_GET_PAYLOAD 0x0704

#define NX_BUNDLE_SEALS (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* GET_PAYLOAD's reply body starts with this. */
struct nx_bundle_payload {
	uint32_t caps; /* NX_CAP_* the manifest's capabilities grant (nexus/caps.h) */
	uint32_t kind; /* the manifest's payloadKind: NX_BUNDLE_KIND_* */
};

/* payloadKind, as manifest.capnp numbers it: only an elf payload can run. */
#define NX_BUNDLE_KIND_ELF 0
#define NX_BUNDLE_KIND_UI_PROGRAM 1

_Static_assert(sizeof(struct nx_bundle_payload) == 8, "nx_bundle_payload size");

#define NX_BUNDLE_INSTALLED_MAX 256 /* bundles (name@version) in one slot */

/*
 * The bundle store in the state directory (fd 5 of bundlemgrd and
 * packagefsd; the whole layout is nexus/state.h). Both serve the slot
 * this boot runs, which updated names (nexus/svc_update.h):
 *   slot-<a|b>/<name>@<version>/{manifest.nxb,manifest.sig,payload.elf}
 *   staging/<name>@<version>.<pid>        an install in progress
 *   staging/<name>@<version>.rm.<pid>     a removal in progress
 */
#define NX_BUNDLE_STAGING_DIR "staging"
#define NX_BUNDLE_MANIFEST "manifest.nxb"
#define NX_BUNDLE_SIG "manifest.sig"
#define NX_BUNDLE_PAYLOAD "payload.elf"

#endif
