/* The OFAC SDN list in its three shapes: 0xB10C's nightly address lists
 * (sanctioned_addresses_<CUR>.txt or .json), Treasury's SDN.CSV (addresses
 * in the Remarks column as "Digital Currency Address - XBT <addr>", also
 * "alt. ..."; sdn_comments.csv carries the overflow) and sdn_advanced.xml
 * (features whose FeatureType is named "Digital Currency Address - <CUR>";
 * the ID is looked up by that name, never assumed). Every tag is category
 * sanctions, source "OFAC SDN list", score 100 unless stated. */
#ifndef PROCEEDS_TAGOFAC_H
#define PROCEEDS_TAGOFAC_H

#include <stdbool.h>
#include <stddef.h>
#include "proceeds/tagimport.h"

/* A 0xB10C list; the currency comes from the file name ("_XBT."), so the
 * stray non-Bitcoin entries such lists contain are rejected, not skipped. */
bool tagofac_parse_list(struct tag_import *imp, const char *name,
			const char *buf, size_t len, const char **why)
	__attribute__((warn_unused_result));

/* SDN.CSV (12 columns, no header, "-0-" = empty) or sdn_comments.csv
 * (ent_num, remarks). Label: the SDN name (or "SDN entry N"). */
bool tagofac_parse_sdn_csv(struct tag_import *imp, const char *buf,
			   size_t len, const char **why)
	__attribute__((warn_unused_result));

/* sdn_advanced.xml, read with libxml2 (no network, no entity expansion).
 * Label: the profile's primary name; date: the list's DateOfIssue. */
bool tagofac_parse_sdn_xml(struct tag_import *imp, const char *buf,
			   size_t len, const char **why)
	__attribute__((warn_unused_result));

/* The currency code of a "Digital Currency Address - XBT" remark or
 * feature name at s: copies "XBT" into cur (cap bytes) and returns the
 * byte after it, or NULL when s does not start that way. */
const char *tagofac_currency(char *cur, size_t cap, const char *s);

#endif
