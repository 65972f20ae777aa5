/* exits.csv and hops.csv of an evidence package, for compliance tools.
 * Every cell goes through fileio_csv_cell: labels and case references come
 * from outside, and a cell starting with = + - @ is neutralised so that a
 * spreadsheet shows it instead of running it. Amounts are integer
 * satoshis, times UTC (ISO 8601). Columns: docs/report-format.md. */
#ifndef PROCEEDS_REPORTCSV_H
#define PROCEEDS_REPORTCSV_H

#include <jansson.h>
#include <stdio.h>

/* One row per exit (deposit address reached) of report (borrowed). */
void reportcsv_exits(FILE *f, const json_t *report);

/* One row per hop (tainted output) of report (borrowed). */
void reportcsv_hops(FILE *f, const json_t *report);

#endif
