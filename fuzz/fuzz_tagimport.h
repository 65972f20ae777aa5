/* What every tag-importer target checks after a parse: a failed file says
 * why, and no reason or example shown to the user carries control bytes
 * from the file (they reach a terminal or a log). */
#ifndef PROCEEDS_FUZZ_TAGIMPORT_H
#define PROCEEDS_FUZZ_TAGIMPORT_H

#include "fuzz.h"
#include "proceeds/tagimport.h"

static inline void fuzz_printable(const char *s)
{
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			fprintf(stderr, "control byte 0x%02x in: %s\n",
				(unsigned char)*p, s);
			abort();
		}
	}
}

/* Imports data as fmt under name with full defaults, for net main. */
static inline void fuzz_tag_import(enum tag_format fmt, const char *name,
				   const uint8_t *data, size_t size)
{
	static const struct tag_defaults defaults = {
		.label = NULL, .source = "fuzz", .category = "scam",
		.confidence = NULL, .date = NULL,
	};
	struct tag_import imp;
	const char *why = NULL;

	tag_import_init(&imp, NETWORK_MAIN, &defaults);
	if (!tag_import_buffer(&imp, fmt, name, (const char *)data, size, &why)) {
		FUZZ_CHECK(why != NULL && why[0] != '\0');
		fuzz_printable(why);
	}
	FUZZ_CHECK(imp.n_examples <= TAG_IMPORT_EXAMPLES);
	for (unsigned i = 0; i < imp.n_examples; i++)
		fuzz_printable(imp.examples[i]);
	tag_import_release(&imp);
}

#endif
