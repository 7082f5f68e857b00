/*
 * Error codes of every formats/ function: 0 is success, each refusal has
 * its own negative code, and an optional struct nx_fmt_err receives a
 * one-line detail (which field, which word, which line). Callers that map
 * refusals onto IPC replies switch on the code; users read the message.
 */
#ifndef NEXUS_FORMATS_FMT_ERR_H
#define NEXUS_FORMATS_FMT_ERR_H

#define NX_FMT_MSG_MAX 200 /* bytes of a detail message including the NUL */

enum nx_fmt_code {
	NX_FMT_OK = 0,
	NX_FMT_ENOMEM = -1, /* allocation failed */
	NX_FMT_EIO = -2,    /* a read, write, fsync or rename failed (errno in the message) */
	NX_FMT_ERANGE = -3, /* an output buffer or a fixed-size field is too small */
	NX_FMT_EINVAL = -4, /* a caller passed an argument outside the contract */

	/* Cap'n Proto reader. */
	NX_FMT_ECAPNP_SIZE = -10,	  /* message empty, over the cap, or not whole words */
	NX_FMT_ECAPNP_BOUNDS = -11,	  /* a pointer's target lies outside the message */
	NX_FMT_ECAPNP_FAR = -12,	  /* a far pointer: only single-segment messages exist */
	NX_FMT_ECAPNP_POINTER = -13,	  /* capability pointer or malformed list tag */
	NX_FMT_ECAPNP_DEPTH = -14,	  /* pointers nested deeper than NX_CAPNP_DEPTH_MAX */
	NX_FMT_ECAPNP_TRAVERSAL = -15,	  /* more words visited than NX_CAPNP_TRAVERSE_MAX */
	NX_FMT_ECAPNP_NONCANONICAL = -16, /* valid Cap'n Proto, but not the canonical bytes */
	NX_FMT_ECAPNP_TYPE = -17,	  /* pointer kind or element size differs from the schema */

	/* Manifest fields. */
	NX_FMT_EMANIFEST_VERSION = -20, /* schemaVersion is not NX_MANIFEST_SCHEMA_VERSION */
	NX_FMT_EMANIFEST_FIELD = -21,	/* a field's value breaks its rule (message names it) */
	NX_FMT_EMANIFEST_CAP = -22,	/* a string or list longer than its cap */

	/* TOML subset. */
	NX_FMT_ETOML_SYNTAX = -30,	/* not TOML */
	NX_FMT_ETOML_UNSUPPORTED = -31, /* TOML, but outside the subset we read */
	NX_FMT_ETOML_DUPLICATE = -32,	/* a key or table defined twice */
	NX_FMT_ETOML_LIMIT = -33,	/* source, nodes or string bytes over a cap */
	NX_FMT_ETOML_SCHEMA = -34,	/* unknown manifest key, wrong type, missing key */

	/* Keys and signatures. */
	NX_FMT_EKEYFILE = -40,	 /* a key file is not in the documented format */
	NX_FMT_ESIGFILE = -41,	 /* manifest.sig is not exactly NX_SIG_FILE_SIZE bytes of it */
	NX_FMT_EKEYID = -42,	 /* the signature's key id is not the verifying key's */
	NX_FMT_EBADSIG = -43,	 /* the Ed25519 signature does not verify */
	NX_FMT_EUNTRUSTED = -44, /* no trusted key has the signature's key id */
	NX_FMT_ETRUST = -45,	 /* the trust directory: duplicate id, too many keys */

	/* .nxb bundle directory. */
	NX_FMT_ENXB_UNSIGNED = -50,	    /* manifest.sig is missing */
	NX_FMT_ENXB_MEMBER = -51,	    /* manifest.nxb or payload.elf is missing */
	NX_FMT_ENXB_EXTRA = -52,	    /* an entry that is none of the three members */
	NX_FMT_ENXB_TYPE = -53,		    /* a member is a symlink or not a regular file */
	NX_FMT_ENXB_MANIFEST_SIZE = -54,    /* manifest.nxb empty or over NX_MANIFEST_MAX */
	NX_FMT_ENXB_PAYLOAD_SIZE = -55,	    /* payload.elf empty or over NX_PAYLOAD_MAX */
	NX_FMT_ENXB_PAYLOAD_MISMATCH = -56, /* payload size differs from the manifest's */
	NX_FMT_ENXB_DIGEST = -57,	    /* payload SHA-256 differs from the manifest's */
	NX_FMT_ENXB_EXISTS = -58,	    /* the bundle to write already exists */

	/* .nxs system set: the archive (formats/nxs_read.h, nxs_write.h). */
	NX_FMT_ENXS_ARCHIVE_SIZE = -60,	    /* the .nxs is over NX_NXS_ARCHIVE_MAX */
	NX_FMT_ENXS_TAR = -61,		    /* not a clean plain ustar archive (message says why) */
	NX_FMT_ENXS_UNSIGNED = -62,	    /* system.sig.ed25519 is not the second member */
	NX_FMT_ENXS_BADSIG = -63,	    /* the caller's check refused the index signature */
	NX_FMT_ENXS_PUBLISHER = -64,	    /* signing key id is not the index publisher's */
	NX_FMT_ENXS_INDEX_SIZE = -65,	    /* system.nxsindex empty or over NX_NXS_INDEX_MAX */
	NX_FMT_ENXS_MEMBER_SIZE = -66,	    /* a bundle member empty or over its .nxb cap */
	NX_FMT_ENXS_EXTRA = -67,	    /* a member the index does not imply */
	NX_FMT_ENXS_MISSING = -68,	    /* a member the index implies is absent */
	NX_FMT_ENXS_DUPLICATE = -69,	    /* a member appears a second time */
	NX_FMT_ENXS_ORDER = -70,	    /* a member before one the index puts first */
	NX_FMT_ENXS_SYMLINK = -71,	    /* a member is a symbolic link */
	NX_FMT_ENXS_HARDLINK = -72,	    /* a member is a hard link */
	NX_FMT_ENXS_DIRECTORY = -73,	    /* a directory entry */
	NX_FMT_ENXS_SPECIAL = -74,	    /* a device, FIFO or other non-regular member */
	NX_FMT_ENXS_PATH_ABSOLUTE = -75,    /* a member path starts with '/' */
	NX_FMT_ENXS_PATH_DOTDOT = -76,	    /* a member path has a ".." segment */
	NX_FMT_ENXS_PATH_EMPTY = -77,	    /* an empty member path or empty segment ("a//b") */
	NX_FMT_ENXS_PATH_NUL = -78,	    /* a NUL inside a header's name, bytes after it */
	NX_FMT_ENXS_MANIFEST_DIGEST = -79,  /* manifest.nxb SHA-256 differs from the index */
	NX_FMT_ENXS_PAYLOAD_MISMATCH = -80, /* payload.elf size or SHA-256 differs from the index */
	NX_FMT_ENXS_BUNDLE_SIG = -81,	    /* the caller's check refused a bundle's manifest.sig */
	NX_FMT_ENXS_BUNDLE_MISMATCH = -82,  /* a manifest's name or semver differs from its entry */
	NX_FMT_ENXS_STAGE = -83,	    /* the caller's bundle callback refused a bundle */

	/* .nxs system set: the index (formats/nxs_index.h). */
	NX_FMT_ENXS_INDEX_VERSION = -84, /* schemaVersion is not NX_NXS_SCHEMA_VERSION */
	NX_FMT_ENXS_INDEX_FIELD = -85,	 /* a field breaks its rule (message names it) */
	NX_FMT_ENXS_INDEX_ORDER = -86,	 /* bundle names not strictly ascending (or repeated) */
	NX_FMT_ENXS_BUNDLES = -87,	 /* no bundle, or more than NX_NXS_BUNDLES_MAX */
	NX_FMT_ENXS_HEALTH = -88,	 /* healthCheck names no bundle of the set */
	NX_FMT_ENXS_ROLLBACK = -89,	 /* systemVersion is not above the anti-rollback floor */

	/* BootCtrl record (formats/bootctrl.h). */
	NX_FMT_EBOOTCTRL_SIZE = -90,	/* truncated, or longer than a record */
	NX_FMT_EBOOTCTRL_MAGIC = -91,	/* not "NXBC" */
	NX_FMT_EBOOTCTRL_CRC = -92,	/* the CRC-32 does not match the bytes */
	NX_FMT_EBOOTCTRL_VERSION = -93, /* a record version this build does not read */
	NX_FMT_EBOOTCTRL_RANGE = -94,	/* a field out of range, or states that contradict */

	/* init's program registry (formats/programs.h). */
	NX_FMT_EPROGRAM = -100, /* a [[program]] breaks a registry rule (message names it) */
};

struct nx_fmt_err {
	int code;		  /* the enum nx_fmt_code returned */
	char msg[NX_FMT_MSG_MAX]; /* one line, no trailing newline */
};

/* A short fixed description of a code ("pointer out of bounds"). */
const char *nx_fmt_strerror(int code);

#endif
