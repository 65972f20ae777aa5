/* MISP events (JSON through jansson). */
#include "fuzz_tagimport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_tag_import(TAG_FMT_MISP, "event.json", data, size);
	return 0;
}
