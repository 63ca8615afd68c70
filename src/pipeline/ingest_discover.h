/*
 * pipeline/ingest_discover.h — finding the source files of an ingest:
 * every *.parquet below a directory, recursively (issue 5, item 1).
 *
 * Contract:
 *  - Regular files (or symlinks to them) whose name ends in ".parquet"
 *    (any case) are listed; names starting with '.' (temp and hidden
 *    files, e.g. a writer's ".part.parquet.tmp") are skipped, and so are
 *    directories named "_delta_log" or "_kinetl" and symlinked directories
 *    (no loops). Depth is bounded (64).
 *  - Each entry has the path to open (dir + "/" + rel), the path relative
 *    to dir (the lineage name, '/'-separated), size and mtime (ns).
 *  - Sorted by relative path (bytewise), so batches are deterministic.
 *  - An unreadable subdirectory fails the discovery with one line naming it.
 */
#ifndef KT_PIPELINE_INGEST_DISCOVER_H
#define KT_PIPELINE_INGEST_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct kt_source_file {
    char *path;
    char *rel;
    int64_t size;
    int64_t mtime_ns;
} kt_source_file;

typedef struct kt_source_list {
    kt_source_file *files;
    size_t n, cap;
} kt_source_list;

kt_status kt_ingest_discover(const char *dir, kt_source_list *out, kt_error *err);
void kt_source_list_free(kt_source_list *l);

#endif
