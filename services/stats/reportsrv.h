/*
 * reportsrv.h - the report server (docs/statistics.md section 4): a thread
 * with its own ROUTER (TARJOTIN_STATS_REPORT_BIND), PostgreSQL connection
 * and Redis connection, answering MSG_STATS_REPORT StatsCalls of admins and
 * funders with a StatsReply (JSON, CSV or XLSX), with the directory's
 * coverage document (coverage.c).
 * A dirty roll-up is run first so that a report sees the latest counts.
 */
#ifndef TJ_REPORTSRV_H
#define TJ_REPORTSRV_H

struct reportsrv;

/*
 * Binds the ROUTER in zctx (borrowed; it outlives the server) and starts the
 * thread; the configuration is read from the environment.  NULL with the
 * reason in err when the socket cannot be bound or the thread not started.
 * Free with reportsrv_destroy.
 */
struct zcurve;
struct zap;
/* (curve, zap: the ROUTER is a CURVE server that zap authenticates.) */
struct reportsrv *reportsrv_new(void *zctx, const struct zcurve *curve, const struct zap *zap,
				const char *instance, char *err, size_t errlen);

/* Stops the thread (it ends within a poll interval), closes its socket and
 * connections and frees it; NULL is fine; *sp becomes NULL. */
void reportsrv_destroy(struct reportsrv **sp);

#endif
