/*
 * LD_PRELOAD shim for Kamailio 5.6 db_sqlite: every connection opened with
 * sqlite3_open_v2()/sqlite3_open() gets sqlite3_busy_timeout(db, 5000), so
 * concurrent writers from several Kamailio processes wait instead of failing
 * with "database is locked" (db_sqlite 5.6 has no busy_timeout parameter).
 * Timeout can be overridden with KAMSCOPE_SQLITE_BUSY_MS.
 * It also runs "PRAGMA synchronous=NORMAL" on each connection (WAL mode: no
 * fsync per commit, still crash-safe; only the last commits can be lost on
 * power failure): with the default FULL every Kamailio write waits for an
 * fsync (~5 ms here), which is too slow for 500 REGISTER/s with write-through
 * usrloc + siptrace. KAMSCOPE_SQLITE_SYNCHRONOUS=FULL|NORMAL|OFF overrides,
 * KAMSCOPE_SQLITE_SYNCHRONOUS=keep leaves SQLite's default.
 * Build: gcc -shared -fPIC -O2 -o libsqlite_busy.so sqlite_busy.c -ldl -lsqlite3
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sqlite3.h>

#include <stdio.h>
#include <string.h>

static void tune(sqlite3 *db)
{
	const char *s = getenv("KAMSCOPE_SQLITE_SYNCHRONOUS");
	char sql[64];
	int ms;
	const char *e = getenv("KAMSCOPE_SQLITE_BUSY_MS");
	ms = e ? atoi(e) : 0;
	sqlite3_busy_timeout(db, ms > 0 ? ms : 5000);
	if (!s || !*s)
		s = "NORMAL";
	if (strcmp(s, "keep") == 0)
		return;
	if (strcmp(s, "FULL") && strcmp(s, "NORMAL") && strcmp(s, "OFF"))
		return;
	snprintf(sql, sizeof(sql), "PRAGMA synchronous=%s;", s);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
}

int sqlite3_open_v2(const char *filename, sqlite3 **ppDb, int flags, const char *zVfs)
{
	static int (*real)(const char *, sqlite3 **, int, const char *) = NULL;
	if (!real)
		real = (int (*)(const char *, sqlite3 **, int, const char *))dlsym(RTLD_NEXT, "sqlite3_open_v2");
	if (!real)
		return SQLITE_ERROR;
	int rc = real(filename, ppDb, flags, zVfs);
	if (rc == SQLITE_OK && ppDb && *ppDb)
		tune(*ppDb);
	return rc;
}

int sqlite3_open(const char *filename, sqlite3 **ppDb)
{
	static int (*real)(const char *, sqlite3 **) = NULL;
	if (!real)
		real = (int (*)(const char *, sqlite3 **))dlsym(RTLD_NEXT, "sqlite3_open");
	if (!real)
		return SQLITE_ERROR;
	int rc = real(filename, ppDb);
	if (rc == SQLITE_OK && ppDb && *ppDb)
		tune(*ppDb);
	return rc;
}
