/*
 * lake/delta/txn_internal.h — the transaction's state, shared by
 * txn.c (staging and the commit loop), txn_build.c (the commit's JSON),
 * conflict.c (checking winners' commits) and datafile.c (Parquet output).
 */
#ifndef KT_LAKE_DELTA_TXN_INTERNAL_H
#define KT_LAKE_DELTA_TXN_INTERNAL_H

#include "lake/delta/internal.h"

typedef enum kt_delta_txn_mode {
    KT_TXN_APPEND,
    KT_TXN_REPLACE_PARTITIONS,
    KT_TXN_REPLACE_ALL,
    KT_TXN_REPLACE_FILES,       /* explicit removes (kt_delta_txn_replace_files) */
} kt_delta_txn_mode;

typedef struct kt_delta_pending_add {
    char *path;                 /* relative, decoded */
    char **pv;                  /* by partition column; NULL = null */
    int64_t size, mtime, records;
    char *stats;
    bool unsynced;              /* the commit must fsync it and its directory first */
} kt_delta_pending_add;

typedef struct kt_delta_pending_remove {
    const char *path, *log_path;
    const char *const *pv;
    int64_t size;
} kt_delta_pending_remove;

struct kt_delta_txn {
    kt_delta_table *t;
    kt_delta_snapshot *snap;
    bool owns_snap;
    kt_arena arena;
    int64_t read_version;
    kt_delta_field *fields;     /* schema in effect (grows with add_columns) */
    size_t nfields;
    bool schema_changed;
    const char **part_cols;
    size_t npart;
    kt_delta_pending_add *adds;
    size_t nadds, adds_cap;
    kt_delta_pending_remove *removes;
    size_t nremoves, removes_cap;
    kt_delta_txn_mode mode;
    size_t replace_col;
    const char **replace_values;/* NULL = the null partition */
    size_t nreplace;
    const char *replace_predicate; /* KT_TXN_REPLACE_FILES: for commitInfo; may be NULL */
    kt_delta_app *apps;
    size_t napps;
    bool committed;
    uint64_t rng;
};

/* Whether this txn removes the file with this decoded path. */
bool kt_delta_txn_removes_path(const kt_delta_txn *x, const char *path);
/* Whether a partition value (NULL/"" = null) is one this txn replaces. */
bool kt_delta_txn_value_replaced(const kt_delta_txn *x, const char *value);
/* The commit's lines: commitInfo, metaData?, txn*, remove*, add*. */
kt_status kt_delta_txn_build_commit(kt_delta_txn *x, kt_buf *out, kt_error *err);
/* KT_ERR_CONFLICT (naming versions and the reason) if the commit at
 * `version`, written by a concurrent winner, invalidates this txn. */
kt_status kt_delta_txn_check_winner(kt_delta_txn *x, int64_t version, kt_error *err);

#endif
