/*
 * orchestrate/lake_dir.h — where kinetl keeps its own files inside a lake:
 * <lake>/_kinetl/ (state.db, scheduler.lock). The leading underscore keeps
 * Delta readers from mistaking it for a table.
 */
#ifndef KT_ORCHESTRATE_LAKE_DIR_H
#define KT_ORCHESTRATE_LAKE_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define KT_LAKE_META_DIR "_kinetl"

/*
 * Writes "<lake>/_kinetl/<name>" into out. With create, makes the lake and
 * _kinetl directories (mode 0755) as needed. KT_ERR_USAGE if the path does
 * not fit in cap, KT_ERR_IO if a directory cannot be made.
 */
kt_status kt_lake_meta_path(const char *lake, const char *name, bool create, char *out,
                            size_t cap, kt_error *err);

#endif
