/* `tags import` without --format: detection from the name and first bytes,
 * then whichever parser it picks. The first line of the input is the file
 * name, so names steer detection too. */
#include "fuzz_tagimport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 128 ? size : 128);
	char *name;
	size_t nlen = nl ? (size_t)(nl - data) : 0;

	name = fuzz_cstr(data, nlen);
	if (nl) {
		data += nlen + 1;
		size -= nlen + 1;
	}
	FUZZ_CHECK(tag_format_detect(name, (const char *)data, size) != TAG_FMT_AUTO);
	fuzz_tag_import(TAG_FMT_AUTO, name, data, size);
	free(name);
	return 0;
}
