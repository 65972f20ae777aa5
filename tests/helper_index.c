/* Index checks (see helper_index.h). Helpers are linked into the
 * benchmarks too, which do not link cmocka: failures abort. */
#include "helper_index.h"

#include <stdio.h>
#include <stdlib.h>

struct hash256 helper_index_verified(struct index *idx, struct index_verify_report *r)
{
	const char *why = NULL;

	if (!index_verify(index_store(idx), r, &why)) {
		fprintf(stderr, "helper_index: index_verify: %s\n", why);
		abort();
	}
	for (uint64_t i = 0; i < r->n_errors && i < INDEX_VERIFY_MAX_ERRORS; i++)
		fprintf(stderr, "verify: %s\n", r->errors[i]);
	if (r->n_errors != 0)
		abort();
	return r->digest;
}

struct hash256 helper_index_digest(struct index *idx)
{
	struct index_verify_report r;
	return helper_index_verified(idx, &r);
}
