/* Tag CSV files (any column order under a header) and plain address
 * lists, plus the RFC 4180 reader on its own. */
#include "fuzz_tagimport.h"
#include "proceeds/tagcsv.h"

static void records(const uint8_t *data, size_t size)
{
	struct tagcsv_reader r;
	bool have = true;
	const char *why = NULL;

	tagcsv_reader_init(&r, (const char *)data, size);
	while (have) {
		if (!tagcsv_next(&r, &have, &why)) {
			FUZZ_CHECK(why != NULL);
			break;
		}
		FUZZ_CHECK(r.n_fields <= TAGCSV_MAX_FIELDS);
	}
	tagcsv_reader_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	records(data, size);
	fuzz_tag_import(TAG_FMT_CSV, "tags.csv", data, size);
	fuzz_tag_import(TAG_FMT_LIST, "list.txt", data, size);
	return 0;
}
