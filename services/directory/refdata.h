/*
 * refdata.h - reference data the directory loads from files at start-up.
 *
 * The counties and taxonomies come with the migrations; the municipalities
 * come from data/municipalities.csv (Statistics Finland's municipality
 * codes and their wellbeing services counties), so that a new year's list
 * is a file change, not a migration.
 */
#ifndef TJ_REFDATA_H
#define TJ_REFDATA_H

#include <stddef.h>

#include <libpq-fe.h>

/*
 * Loads the municipalities CSV at csv_path into the tables counties and
 * municipalities of the migrated database behind db.
 *
 * The file is UTF-8 CSV with exactly the header
 *   code,name_fi,county_key,county_fi,county_sv,county_en,population_2025
 * It is streamed with COPY FROM STDIN into a temporary table and upserted
 * in one transaction: counties by key, municipalities by code (Swedish names
 * from the table municipality_names_sv).  Rows whose values did not change
 * are not written, so loading the same file again changes nothing and sends
 * no change notifications.  Municipalities missing from the file are kept
 * (activities may still refer to them).
 *
 * db must be idle (not inside a transaction).  Returns 0 on success, or -1
 * with a lower-case reason in err (the transaction is then rolled back and
 * nothing is changed).  Owns nothing it does not free.
 */
int refdata_load_municipalities(PGconn *db, const char *csv_path, char *err, size_t errlen);

#endif
