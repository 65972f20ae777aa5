/* report.html: the evidence for a reader who is not a specialist. One
 * self-contained file (inline CSS and SVG, no script, no external resource,
 * a Content-Security-Policy that forbids both), which prints to a clean PDF.
 * Order: summary, flow diagram, exits per service and per deposit address,
 * still unspent, beyond a CoinJoin (when the trace crossed one: the range
 * proceeds states there, in plain words, and the outputs linked after the
 * mix), seeds, hops, the method in plain words (models, heuristics, fact
 * vs inference, measured error rates) and how to verify. */
#ifndef PROCEEDS_REPORTHTML_H
#define PROCEEDS_REPORTHTML_H

#include <jansson.h>
#include <stdio.h>

/* Writes the page for report (borrowed, with "proofs" and
 * "verification" filled in) to f. */
void reporthtml_write(FILE *f, const json_t *report);

/* Writes s HTML-escaped (& < > " ' and control characters) so that text
 * from outside (tag labels, case references, addresses) is inert in
 * element content and attribute values alike. NULL writes nothing. */
void reporthtml_escape(FILE *f, const char *s);

/* The entity that replaces byte c in HTML text or attributes (markup
 * characters, and control bytes as U+FFFD), or NULL when c stands as is.
 * The one escaping rule of every HTML proceeds writes. Static string. */
const char *reporthtml_entity(unsigned char c);

#endif
