/* The flow diagram of a report: inline SVG, seeds on the left, outputs by
 * hop in the middle, the services (exits, summed per entity) on the right,
 * each edge as wide as the traced amount it carries under the report's
 * primary model. Columns hold at most REPORTSVG_MAX_PER_COL outputs; the
 * rest of a column is drawn as one "more outputs" node, so a large trace
 * still gives a readable picture (the tables carry every hop). */
#ifndef PROCEEDS_REPORTSVG_H
#define PROCEEDS_REPORTSVG_H

#include <jansson.h>
#include <stdio.h>

#define REPORTSVG_MAX_PER_COL 12

/* Writes one <svg> element for report (borrowed) to f. Every label is
 * HTML-escaped. */
void reportsvg_flow(FILE *f, const json_t *report);

#endif
