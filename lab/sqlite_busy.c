/*
 * LD_PRELOAD shim for Kamailio 5.6 db_sqlite: every connection opened with
 * sqlite3_open_v2()/sqlite3_open() gets sqlite3_busy_timeout(db, 5000), so
 * concurrent writers from several Kamailio processes wait instead of failing
 * with "database is locked" (db_sqlite 5.6 has no busy_timeout parameter).
 * Timeout can be overridden with KAMSCOPE_SQLITE_BUSY_MS.
 * Build: gcc -shared -fPIC -O2 -o libsqlite_busy.so sqlite_busy.c -ldl -lsqlite3
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sqlite3.h>

static int busy_ms(void)
{
	const char *s = getenv("KAMSCOPE_SQLITE_BUSY_MS");
	int v = s ? atoi(s) : 0;
	return v > 0 ? v : 5000;
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
		sqlite3_busy_timeout(*ppDb, busy_ms());
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
		sqlite3_busy_timeout(*ppDb, busy_ms());
	return rc;
}
