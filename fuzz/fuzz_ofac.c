/* OFAC lists: 0xB10C's sanctioned_addresses_XBT.txt/.json and Treasury's
 * SDN.CSV / sdn_comments.csv. */
#include "fuzz_tagimport.h"
#include "proceeds/tagofac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cur[8];
	char *s = fuzz_cstr(data, size);

	fuzz_tag_import(TAG_FMT_OFAC, "sanctioned_addresses_XBT.txt", data, size);
	fuzz_tag_import(TAG_FMT_OFAC, "sanctioned_addresses_XBT.json", data, size);
	fuzz_tag_import(TAG_FMT_SDN_CSV, "SDN.CSV", data, size);
	if (tagofac_currency(cur, sizeof(cur), s))
		FUZZ_CHECK(strlen(cur) < sizeof(cur));
	free(s);
	return 0;
}
