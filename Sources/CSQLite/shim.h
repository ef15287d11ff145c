#include <sqlite3.h>

/// sqlite3_db_config is variadic, which Swift cannot call: this is its integer-option form.
static inline int wo_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *out) {
    return sqlite3_db_config(db, op, value, out);
}
