#include <sqlite3.h>

/// sqlite3_db_config is variadic, which Swift cannot call: this is its integer-option form.
static inline int wo_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}

#include <sys/syscall.h>
#include <unistd.h>

/// The calling thread's kernel id, for a timer that interrupts this thread's lock wait and no other (Storage's
/// writer lock). glibc declares gettid() only under _GNU_SOURCE, and syscall() is variadic.
static inline int wo_gettid(void) {
    return (int)syscall(SYS_gettid);
}
