/* GraphSense TagPacks (YAML through libyaml). */
#include "fuzz_tagimport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_tag_import(TAG_FMT_TAGPACK, "pack.yaml", data, size);
	return 0;
}
