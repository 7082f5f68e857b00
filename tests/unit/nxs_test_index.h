/*
 * For the .nxs tests: an index one bundle over NX_NXS_BUNDLES_MAX, which
 * struct nx_nxs_index cannot hold and the encoder never writes, built
 * with the Cap'n Proto builder in the canonical layout.
 */
#ifndef NEXUS_TESTS_NXS_TEST_INDEX_H
#define NEXUS_TESTS_NXS_TEST_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "nxs_index.h"

/* Bytes of an otherwise valid index of NX_NXS_BUNDLES_MAX + 1 bundles, into buf. */
size_t nxs_test_index_over_max(void *buf, size_t cap,
			       const uint8_t publisher[NX_NXS_PUBLISHER_LEN]);

#endif
