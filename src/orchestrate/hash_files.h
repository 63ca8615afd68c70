/*
 * orchestrate/hash_files.h — content hashes of many source files at once,
 * spread over a few threads, so a cycle's manifest check does not read
 * every new file on one core while the others wait.
 *
 * Contract:
 *  - kt_hash_files hashes paths[i] (kt_hash_file: XXH3-64 of the bytes)
 *    into out[i] for every i, on up to `threads` threads (0 or 1: the
 *    calling thread only). Results are by index, whatever the timing.
 *  - A file that cannot be read is that file's failure (out[i].status and
 *    out[i].error), never the call's: the caller decides what a missing
 *    file means. If threads cannot be started the calling thread hashes
 *    the rest alone, so the call itself cannot fail.
 */
#ifndef KT_ORCHESTRATE_HASH_FILES_H
#define KT_ORCHESTRATE_HASH_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct kt_file_hash {
    kt_status status;   /* KT_OK, or why the file could not be hashed */
    uint64_t hash;
    uint64_t size;      /* bytes hashed */
    kt_error error;     /* set when status != KT_OK */
} kt_file_hash;

void kt_hash_files(const char *const *paths, size_t n, size_t threads, kt_file_hash *out);

#endif
