/* A trace result (proceeds-trace/1) handed to `report`: reportcheck_trace
 * decides whether it may become evidence. Invariant: a rejection names
 * what is wrong. */
#include "fuzz.h"
#include "proceeds/reportcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	const char *why = NULL;

	if (!j)
		return 0;
	if (!reportcheck_trace(j, &why))
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	json_decref(j);
	return 0;
}
