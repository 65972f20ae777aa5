/* Treasury's sdn_advanced.xml through libxml2 (no network, no entities). */
#include "fuzz_tagimport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_tag_import(TAG_FMT_SDN_XML, "sdn_advanced.xml", data, size);
	return 0;
}
