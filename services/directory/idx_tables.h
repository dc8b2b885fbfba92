/*
 * idx_tables.h - the count tables of a search index snapshot.
 *
 * The records of every combination of need, kind and municipality values,
 * and of one or two of those with every value of another dimension, so
 * that a search that filters by no more than need, kind and municipality
 * looks its total and facets up: at national scale counting them over the
 * records and bitmaps took 40 to 90 microseconds a search.  A search by
 * all three counts the other four facets over its records, the nationwide
 * ones (most of them) from tables of their own, and finds its records in
 * the need and kind pair's list (nk_off, nk_rec).  All of it 2.8 MB and
 * some 15 ms at national scale (26 needs, 12 kinds, 308 municipalities,
 * 50,000 activities).
 */
#ifndef TJ_IDX_TABLES_H
#define TJ_IDX_TABLES_H

#include "idx_snap.h"

/*
 * Builds s->tables, table_of, nationwide_of, nk_off and nk_rec from the
 * records, their values (the dimensions' off/val lists) and areas.
 * Without tables (more municipalities and counties than 16-bit slots can
 * number) table_of and nationwide_of are all -1 and every search takes the
 * general path.  Out of memory aborts.
 */
void idx_tables_build(struct index_snap *s);

#endif
