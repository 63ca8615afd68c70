/*
 * format/parquet/reader.c — opening a Parquet file: magic and footer
 * checks, the flat-schema rule, the physical/logical -> kt_type mapping,
 * and the public accessors. Page decoding lives in reader_chunk.c.
 *
 * Files are read with pread (never whole into memory); kt_pq_open_memory
 * serves the same code from a caller's buffer (fuzzing, tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/parquet/decode.h"
#include "format/parquet/reader_internal.h"

void kt_pq_reset_column(kt_column *c, kt_type t)
{
    if (c->type != t) {
        kt_column_free(c);
        c->type = t;
    } else {
        kt_column_clear(c);
    }
}

/* A row group's arrays and a page are often tens of MB written once: on
 * 4 KiB pages, faulting and zeroing them took a third of reading a wide
 * file. So (when kt_pq_set_huge_pages turns it on) the parts of
 * them about to be written are advised onto transparent huge pages (Linux,
 * "madvise" mode), and an empty column's arrays of 2 MiB or more are first
 * replaced by 2 MiB-aligned blocks. Only memory that will be written is
 * advised: advising an array's spare capacity (as this reader once did)
 * made the kernel fault and zero 2 MiB pages that were barely used, which
 * is what slowed a later write in the same process (docs/PARQUET.md).
 * Advice only: failure, or an OS without it, changes nothing but speed.
 * Call before the memory is first written: a 2 MiB range already partly
 * touched stays on small pages.
 * Off by default: with the kernel's usual THP defrag setting ("madvise")
 * every advised fault may compact memory synchronously, and on a machine
 * whose memory is full of page cache that showed up as erratic system time
 * in whatever ran next (a write in the same process took 0.6-1.3 s CPU
 * instead of 0.6 s). A read-only caller that wants the speed opts in. */
#define HUGE_PAGE ((uintptr_t)2 << 20)
void kt_pq_set_huge_pages(kt_pq_reader *r, bool on)
{
    r->huge_pages = on;
}

void kt_pq_advise_huge(const kt_pq_reader *r, void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (!r->huge_pages || !p || bytes < HUGE_PAGE) return;
    uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t e = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (e > a) (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)r;
    (void)p;
    (void)bytes;
#endif
}

/* Replaces *arr (holding nothing worth keeping) with a block of `bytes`
 * aligned to 2 MiB. glibc puts large blocks just past a 4 KiB boundary,
 * so an array of a few MiB would otherwise hold few or no whole huge
 * pages (a 2 MiB column chunk of doubles none at all). */
static bool replace_aligned(void **arr, size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0) return false;
    free(*arr);
    *arr = p;
    return true;
}

void kt_pq_chunk_presize_huge(kt_pq_chunk *c, size_t rows, size_t payload)
{
    kt_column *o = c->out;
    if (!c->r->huge_pages || o->len || o->valid) return;
    if (o->type == KT_BYTES) {
        if (rows > o->cap && rows < SIZE_MAX / sizeof *o->offsets &&
            (rows + 1) * sizeof *o->offsets >= HUGE_PAGE &&
            replace_aligned((void **)&o->offsets, (rows + 1) * sizeof *o->offsets)) {
            o->offsets[0] = 0;
            o->cap = rows;
        }
        if (o->offsets && payload > o->bytes_cap && payload >= HUGE_PAGE &&
            replace_aligned((void **)&o->bytes, payload))
            o->bytes_cap = payload;
        return;
    }
    size_t w = kt_type_width(o->type);
    if (rows > o->cap && w && rows < SIZE_MAX / w && rows * w >= HUGE_PAGE &&
        replace_aligned(&o->values, rows * w))
        o->cap = rows;
}

/* Advises [p, p + len) unless a range from p at least as long already was. */
static void advise_once(const kt_pq_reader *r, void *p, size_t len, const void **last, size_t *last_len)
{
    if (!p || (*last == p && *last_len >= len)) return;
    kt_pq_advise_huge(r, p, len);
    *last = p;
    *last_len = len;
}

void kt_pq_chunk_advise(kt_pq_chunk *c, size_t bytes_end)
{
    kt_column *o = c->out;
    if (!c->r->huge_pages || c->num_rows <= 0) return;
    size_t rows = (size_t)c->num_rows;
    if (o->type == KT_BYTES) {
        size_t n = (rows < o->cap ? rows : o->cap) + 1;
        advise_once(c->r, o->offsets, n * sizeof *o->offsets, &c->advised_values, &c->advised_values_len);
        if (bytes_end > o->bytes_cap) bytes_end = o->bytes_cap;
        if (bytes_end) advise_once(c->r, o->bytes, bytes_end, &c->advised_bytes, &c->advised_bytes_len);
    } else {
        size_t n = rows < o->cap ? rows : o->cap;
        advise_once(c->r, o->values, n * kt_type_width(o->type), &c->advised_values, &c->advised_values_len);
    }
}

kt_status kt_pq_bytes_at(kt_pq_reader *r, uint64_t off, size_t len, kt_buf *buf,
                         const uint8_t **out, kt_error *err)
{
    if (off > r->file_size || len > r->file_size - off)
        return kt_fail(err, KT_ERR_FORMAT, "%s: %zu bytes at offset %llu lie past the end of the file (%llu bytes)",
                       r->path, len, (unsigned long long)off, (unsigned long long)r->file_size);
    if (r->mem) {
        *out = r->mem + off;
        return KT_OK;
    }
    kt_buf_clear(buf);
    size_t cap = buf->cap;
    if (kt_buf_reserve(buf, len + KT_PQ_COPY_SLACK) != KT_OK)
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory reading %zu bytes", r->path, len);
    if (buf->cap != cap) kt_pq_advise_huge(r, buf->data, buf->cap);
    size_t done = 0;
    while (done < len) {
        ssize_t got = pread(r->fd, buf->data + done, len - done, (off_t)(off + done));
        if (got < 0) {
            if (errno == EINTR) continue;
            return kt_fail_errno(err, KT_ERR_IO, errno, "%s: reading %zu bytes at offset %llu",
                                 r->path, len, (unsigned long long)off);
        }
        if (got == 0)
            return kt_fail(err, KT_ERR_IO, "%s: file shrank while reading (offset %llu)", r->path,
                           (unsigned long long)(off + done));
        done += (size_t)got;
    }
    buf->len = len;
    *out = buf->data;
    return KT_OK;
}

/* Names inside a file may hold any bytes; an error stays one printable
 * line by masking control characters. */
static kt_status one_line(kt_status st, kt_error *err)
{
    if (st != KT_OK && err)
        for (char *p = err->msg; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    return st;
}

static kt_pq_reader *reader_new(const char *name)
{
    kt_pq_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->path = strdup(name ? name : "(memory)");
    if (!r->path) {
        free(r);
        return NULL;
    }
    r->fd = -1;
    r->memory_limit = KT_PQ_DEFAULT_MEMORY_LIMIT;
    r->huge_pages = false;
    r->window = KT_PQ_WINDOW;
    kt_arena_init(&r->meta_arena, 0);
    kt_arena_init(&r->page_arena, 0);
    kt_buf_init(&r->chunk);
    kt_buf_init(&r->page);
    kt_buf_init(&r->levels);
    kt_buf_init(&r->scratch);
    kt_column_init(&r->dict, KT_INT64);
    kt_column_init(&r->stage, KT_INT64);
    return r;
}

void kt_pq_close(kt_pq_reader *r)
{
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    kt_arena_free(&r->meta_arena);
    kt_arena_free(&r->page_arena);
    kt_buf_free(&r->chunk);
    kt_buf_free(&r->page);
    kt_buf_free(&r->levels);
    kt_buf_free(&r->scratch);
    kt_column_free(&r->dict);
    kt_column_free(&r->stage);
    kt_pq_free_codes(r);
    free(r->path);
    free(r);
}

/* ---- logical types ---- */

/* Maps a legacy ConvertedType onto the LogicalType it stands for. */
static kt_pq_logical logical_from_converted(const kt_pq_schema_element *e)
{
    kt_pq_logical lt = { 0 };
    int c = e->converted;
    if (c == KT_PQ_CT_UTF8) lt.kind = KT_PQ_LT_STRING;
    else if (c == KT_PQ_CT_ENUM) lt.kind = KT_PQ_LT_ENUM;
    else if (c == KT_PQ_CT_JSON) lt.kind = KT_PQ_LT_JSON;
    else if (c == KT_PQ_CT_BSON) lt.kind = KT_PQ_LT_BSON;
    else if (c == KT_PQ_CT_DATE) lt.kind = KT_PQ_LT_DATE;
    else if (c == KT_PQ_CT_DECIMAL) {
        lt.kind = KT_PQ_LT_DECIMAL;
        lt.scale = e->scale;
        lt.precision = e->precision;
    } else if (c == KT_PQ_CT_TIME_MILLIS || c == KT_PQ_CT_TIME_MICROS) {
        lt.kind = KT_PQ_LT_TIME;
        lt.utc = true;
        lt.unit = c == KT_PQ_CT_TIME_MILLIS ? KT_PQ_UNIT_MILLIS : KT_PQ_UNIT_MICROS;
    } else if (c == KT_PQ_CT_TIMESTAMP_MILLIS || c == KT_PQ_CT_TIMESTAMP_MICROS) {
        lt.kind = KT_PQ_LT_TIMESTAMP;
        lt.utc = true;
        lt.unit = c == KT_PQ_CT_TIMESTAMP_MILLIS ? KT_PQ_UNIT_MILLIS : KT_PQ_UNIT_MICROS;
    } else if (c >= KT_PQ_CT_UINT_8 && c <= KT_PQ_CT_INT_64) {
        static const int8_t bits[] = { 8, 16, 32, 64, 8, 16, 32, 64 };
        lt.kind = KT_PQ_LT_INTEGER;
        lt.bit_width = bits[c - KT_PQ_CT_UINT_8];
        lt.is_signed = c >= KT_PQ_CT_INT_8;
    }
    return lt;
}

static kt_status bad_logical(const kt_pq_reader *r, const kt_pq_column_info *c, const char *what,
                             kt_error *err)
{
    return kt_fail(err, KT_ERR_FORMAT, "%s: column '%s': %s is not valid on %s", r->path, c->name, what,
                   kt_pq_physical_name(c->physical));
}

/* Fills the output type and flags of one leaf from its physical and
 * logical types (see the table in reader.h). */
static kt_status describe_leaf(const kt_pq_reader *r, const kt_pq_schema_element *e,
                               kt_pq_column_info *c, kt_pq_leaf *leaf, kt_error *err)
{
    c->physical = e->type;
    c->type_length = e->type_length;
    c->logical = e->logical.kind ? e->logical : logical_from_converted(e);
    c->is_signed = true;
    leaf->conversion = KT_PQ_CONV_NONE;
    const kt_pq_logical *lt = &c->logical;
    switch (e->type) {
    case KT_PQ_BOOLEAN: c->value_type = KT_BOOL; break;
    case KT_PQ_INT32: c->value_type = KT_INT32; break;
    case KT_PQ_INT64: c->value_type = KT_INT64; break;
    case KT_PQ_INT96: c->value_type = KT_INT64; break;
    case KT_PQ_FLOAT: c->value_type = KT_FLOAT; break;
    case KT_PQ_DOUBLE: c->value_type = KT_DOUBLE; break;
    case KT_PQ_BYTE_ARRAY: c->value_type = KT_BYTES; break;
    case KT_PQ_FIXED_LEN_BYTE_ARRAY:
        if (e->type_length <= 0 || e->type_length > (1 << 20))
            return kt_fail(err, KT_ERR_FORMAT, "%s: column '%s': FIXED_LEN_BYTE_ARRAY length %d is invalid",
                           r->path, c->name, e->type_length);
        c->value_type = KT_BYTES;
        break;
    default:
        return kt_fail(err, KT_ERR_FORMAT, "%s: column '%s' has unknown physical type %d", r->path,
                       c->name, (int)e->type);
    }
    leaf->decode_type = c->value_type;
    if (e->type == KT_PQ_INT96) {
        c->is_timestamp = true;
        c->unit = KT_PQ_UNIT_NANOS;
        c->utc = false;
    }
    switch (lt->kind) {
    case KT_PQ_LT_DECIMAL:
        if (e->type == KT_PQ_BOOLEAN || e->type == KT_PQ_INT96 || e->type == KT_PQ_FLOAT ||
            e->type == KT_PQ_DOUBLE)
            return bad_logical(r, c, "DECIMAL", err);
        if (lt->scale < 0 || lt->scale > 300 || lt->precision <= 0)
            return kt_fail(err, KT_ERR_FORMAT, "%s: column '%s': DECIMAL(%d, %d) is invalid", r->path,
                           c->name, lt->precision, lt->scale);
        c->value_type = KT_DOUBLE;
        leaf->conversion = KT_PQ_CONV_DECIMAL;
        leaf->scale = lt->scale;
        break;
    case KT_PQ_LT_TIMESTAMP:
        if (e->type != KT_PQ_INT64) return bad_logical(r, c, "TIMESTAMP", err);
        if (lt->unit < KT_PQ_UNIT_MILLIS || lt->unit > KT_PQ_UNIT_NANOS)
            return kt_fail(err, KT_ERR_FORMAT, "%s: column '%s': TIMESTAMP has no valid unit", r->path, c->name);
        c->is_timestamp = true;
        c->unit = lt->unit;
        c->utc = lt->utc;
        break;
    case KT_PQ_LT_TIME:
        if (e->type != KT_PQ_INT32 && e->type != KT_PQ_INT64) return bad_logical(r, c, "TIME", err);
        c->unit = lt->unit;
        c->utc = lt->utc;
        break;
    case KT_PQ_LT_DATE:
        if (e->type != KT_PQ_INT32) return bad_logical(r, c, "DATE", err);
        break;
    case KT_PQ_LT_INTEGER: {
        int w = lt->bit_width;
        bool ok = (e->type == KT_PQ_INT32 && (w == 8 || w == 16 || w == 32)) ||
                  (e->type == KT_PQ_INT64 && w == 64);
        if (!ok) return bad_logical(r, c, "this INTEGER width", err);
        c->is_signed = lt->is_signed;
        if (!lt->is_signed && w == 32) {
            c->value_type = KT_INT64;
            leaf->conversion = KT_PQ_CONV_WIDEN_U32;
        }
        break;
    }
    case KT_PQ_LT_STRING: case KT_PQ_LT_ENUM: case KT_PQ_LT_JSON: case KT_PQ_LT_BSON:
        if (e->type != KT_PQ_BYTE_ARRAY) return bad_logical(r, c, "a string type", err);
        break;
    default:
        break;
    }
    return KT_OK;
}

/* ---- footer ---- */

static kt_status check_flat_schema(kt_pq_reader *r, kt_error *err)
{
    const kt_pq_file_meta *m = &r->meta;
    if (m->num_schema < 1)
        return kt_fail(err, KT_ERR_FORMAT, "%s: footer has an empty schema", r->path);
    for (int i = 1; i < m->num_schema; i++) {
        const kt_pq_schema_element *e = &m->schema[i];
        if (e->num_children > 0 || !e->has_type)
            return kt_fail(err, KT_ERR_UNSUPPORTED,
                           "%s: nested schema: field '%s' is a group (only flat schemas are supported)",
                           r->path, e->name);
        if (e->has_repetition && e->repetition == KT_PQ_REPEATED)
            return kt_fail(err, KT_ERR_UNSUPPORTED,
                           "%s: nested schema: field '%s' is REPEATED (only flat schemas are supported)",
                           r->path, e->name);
        if (e->has_repetition && e->repetition != KT_PQ_REQUIRED && e->repetition != KT_PQ_OPTIONAL)
            return kt_fail(err, KT_ERR_FORMAT, "%s: field '%s' has unknown repetition %d", r->path,
                           e->name, (int)e->repetition);
    }
    if (m->schema[0].num_children != m->num_schema - 1)
        return kt_fail(err, KT_ERR_FORMAT, "%s: schema root has %d children but %d fields follow",
                       r->path, m->schema[0].num_children, m->num_schema - 1);
    return KT_OK;
}

static kt_status build_columns(kt_pq_reader *r, kt_error *err)
{
    r->ncols = r->meta.num_schema - 1;
    size_t n = r->ncols ? (size_t)r->ncols : 1;
    r->cols = kt_arena_calloc(&r->meta_arena, n, sizeof *r->cols);
    r->leaves = kt_arena_calloc(&r->meta_arena, n, sizeof *r->leaves);
    if (!r->cols || !r->leaves) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory for the schema", r->path);
    for (int i = 0; i < r->ncols; i++) {
        const kt_pq_schema_element *e = &r->meta.schema[i + 1];
        kt_pq_column_info *c = &r->cols[i];
        c->name = e->name;
        c->index = i;
        c->nullable = e->has_repetition && e->repetition == KT_PQ_OPTIONAL;
        r->leaves[i].max_def = c->nullable ? 1 : 0;
        KT_TRY(describe_leaf(r, e, c, &r->leaves[i], err));
    }
    return KT_OK;
}

static kt_status check_row_groups(kt_pq_reader *r, kt_error *err)
{
    int64_t total = 0;
    for (int g = 0; g < r->meta.num_row_groups; g++) {
        const kt_pq_row_group *rg = &r->meta.row_groups[g];
        if (rg->num_rows < 0 || rg->num_rows > INT64_MAX - total)
            return kt_fail(err, KT_ERR_FORMAT, "%s: row group %d has an invalid row count %lld", r->path, g,
                           (long long)rg->num_rows);
        total += rg->num_rows;
        if (rg->num_columns != r->ncols)
            return kt_fail(err, KT_ERR_FORMAT, "%s: row group %d has %d column chunks, the schema has %d columns",
                           r->path, g, rg->num_columns, r->ncols);
        for (int c = 0; c < r->ncols; c++) {
            const kt_pq_column_chunk *cc = &rg->columns[c];
            const char *name = r->cols[c].name;
            if (cc->file_path)
                return kt_fail(err, KT_ERR_UNSUPPORTED,
                               "%s: row group %d column '%s': data in another file ('%s') is not supported",
                               r->path, g, name, cc->file_path);
            if (!cc->has_meta_data)
                return kt_fail(err, KT_ERR_FORMAT, "%s: row group %d column '%s' has no column metadata",
                               r->path, g, name);
            const kt_pq_column_meta *cm = &cc->meta_data;
            if (cm->type != r->cols[c].physical)
                return kt_fail(err, KT_ERR_FORMAT, "%s: row group %d column '%s' is %s in the chunk but %s in the schema",
                               r->path, g, name, kt_pq_physical_name(cm->type),
                               kt_pq_physical_name(r->cols[c].physical));
            if (cm->path_len != 1 || strcmp(cm->path_in_schema[0], name) != 0)
                return kt_fail(err, KT_ERR_FORMAT, "%s: row group %d column chunk %d's path does not match field '%s'",
                               r->path, g, c, name);
        }
    }
    if (total != r->meta.num_rows)
        return kt_fail(err, KT_ERR_FORMAT, "%s: footer says %lld rows but its row groups hold %lld", r->path,
                       (long long)r->meta.num_rows, (long long)total);
    r->total_rows = total;
    return KT_OK;
}

static kt_status load_footer(kt_pq_reader *r, kt_error *err)
{
    const uint8_t *p;
    kt_buf *buf = &r->chunk;
    if (r->file_size < 4)
        return kt_fail(err, KT_ERR_FORMAT, "%s: not a Parquet file (%llu bytes, no PAR1 magic)", r->path,
                       (unsigned long long)r->file_size);
    KT_TRY(kt_pq_bytes_at(r, 0, 4, buf, &p, err));
    if (memcmp(p, "PAR1", 4) != 0) {
        if (memcmp(p, "PARE", 4) == 0)
            return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: encrypted Parquet files (PARE) are not supported", r->path);
        return kt_fail(err, KT_ERR_FORMAT, "%s: not a Parquet file (no PAR1 magic)", r->path);
    }
    if (r->file_size < 12)
        return kt_fail(err, KT_ERR_FORMAT, "%s: truncated Parquet file (%llu bytes)", r->path,
                       (unsigned long long)r->file_size);
    KT_TRY(kt_pq_bytes_at(r, r->file_size - 8, 8, buf, &p, err));
    if (memcmp(p + 4, "PARE", 4) == 0)
        return kt_fail(err, KT_ERR_UNSUPPORTED, "%s: encrypted Parquet footer (PARE) is not supported", r->path);
    if (memcmp(p + 4, "PAR1", 4) != 0)
        return kt_fail(err, KT_ERR_FORMAT, "%s: truncated or corrupt Parquet file (no PAR1 magic at the end)",
                       r->path);
    uint32_t footer_len = kt_pq_le32(p);
    if (footer_len > r->file_size - 12)
        return kt_fail(err, KT_ERR_FORMAT, "%s: footer length %u exceeds the file (%llu bytes)", r->path,
                       footer_len, (unsigned long long)r->file_size);
    r->data_end = r->file_size - 8 - footer_len;
    KT_TRY(kt_pq_bytes_at(r, r->data_end, footer_len, buf, &p, err));
    /* Every thrift element takes at least a byte; 256 bytes of structs per
     * footer byte covers the largest expansion with room to spare. */
    uint64_t limit = (uint64_t)(1u << 20) + (uint64_t)footer_len * 256;
    r->meta_arena.limit = limit < r->memory_limit ? (size_t)limit : r->memory_limit;
    kt_status st = kt_pq_parse_file_meta(p, footer_len, &r->meta_arena, &r->meta, err);
    if (st != KT_OK) {
        kt_error_prefix(err, "%s: footer", r->path);
        return st;
    }
    r->meta_arena.limit = 0;
    KT_TRY(check_flat_schema(r, err));
    KT_TRY(build_columns(r, err));
    KT_TRY(check_row_groups(r, err));
    kt_buf_free(buf);
    return KT_OK;
}

static kt_status open_path(const char *path, kt_pq_reader **out, kt_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kt_fail_errno(err, errno == ENOENT ? KT_ERR_NOT_FOUND : KT_ERR_IO, errno, "%s: cannot open", path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return kt_fail_errno(err, KT_ERR_IO, e, "%s: cannot stat", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return kt_fail(err, KT_ERR_USAGE, "%s: not a regular file", path);
    }
    kt_pq_reader *r = reader_new(path);
    if (!r) {
        close(fd);
        return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", path);
    }
    r->fd = fd;
    r->file_size = (uint64_t)st.st_size;
    kt_status s = load_footer(r, err);
    if (s != KT_OK) {
        kt_pq_close(r);
        return s;
    }
    *out = r;
    return KT_OK;
}

kt_status kt_pq_open(const char *path, kt_pq_reader **out, kt_error *err)
{
    return one_line(open_path(path, out, err), err);
}

kt_status kt_pq_open_memory(const uint8_t *data, size_t len, const char *name, kt_pq_reader **out,
                            kt_error *err)
{
    *out = NULL;
    kt_pq_reader *r = reader_new(name);
    if (!r) return kt_fail(err, KT_ERR_NOMEM, "%s: out of memory", name ? name : "(memory)");
    static const uint8_t empty[1] = { 0 };
    r->mem = data && len ? data : empty;
    r->file_size = data ? len : 0;
    kt_status s = load_footer(r, err);
    if (s != KT_OK) {
        kt_pq_close(r);
        return one_line(s, err);
    }
    *out = r;
    return KT_OK;
}

void kt_pq_set_memory_limit(kt_pq_reader *r, size_t bytes)
{
    r->memory_limit = bytes ? bytes : KT_PQ_DEFAULT_MEMORY_LIMIT;
}

const char *kt_pq_path(const kt_pq_reader *r) { return r->path; }
int64_t kt_pq_num_rows(const kt_pq_reader *r) { return r->total_rows; }
int kt_pq_num_row_groups(const kt_pq_reader *r) { return r->meta.num_row_groups; }
int kt_pq_num_columns(const kt_pq_reader *r) { return r->ncols; }
const kt_pq_file_meta *kt_pq_file_metadata(const kt_pq_reader *r) { return &r->meta; }

int64_t kt_pq_row_group_rows(const kt_pq_reader *r, int row_group)
{
    if (row_group < 0 || row_group >= r->meta.num_row_groups) return -1;
    return r->meta.row_groups[row_group].num_rows;
}

const kt_pq_column_info *kt_pq_column(const kt_pq_reader *r, int index)
{
    if (index < 0 || index >= r->ncols) return NULL;
    return &r->cols[index];
}

int kt_pq_find_column(const kt_pq_reader *r, const char *name)
{
    for (int i = 0; i < r->ncols; i++)
        if (strcasecmp(r->cols[i].name, name) == 0) return i;
    return -1;
}

kt_status kt_pq_read_row_group(kt_pq_reader *r, int row_group, const int *columns, int ncols,
                               kt_column *out, kt_error *err)
{
    if (row_group < 0 || row_group >= r->meta.num_row_groups)
        return kt_fail(err, KT_ERR_USAGE, "%s: row group %d does not exist (the file has %d)", r->path,
                       row_group, r->meta.num_row_groups);
    for (int i = 0; i < ncols; i++)
        if (columns[i] < 0 || columns[i] >= r->ncols)
            return kt_fail(err, KT_ERR_USAGE, "%s: column %d does not exist (the file has %d)", r->path,
                           columns[i], r->ncols);
    for (int i = 0; i < r->code_slots; i++) r->code_dict_set[i] = false;
    for (int i = 0; i < ncols; i++) {
        const kt_pq_column_info *c = &r->cols[columns[i]];
        kt_pq_reset_column(&out[i], kt_pq_output_type(r, row_group, columns[i]));
        kt_status st = kt_pq_read_chunk(r, row_group, columns[i], &out[i], err);
        if (st == KT_OK) st = kt_pq_keep_dictionary(r, i, &out[i], columns[i], err);
        if (st != KT_OK) {
            kt_error_prefix(err, "%s: row group %d column '%s'", r->path, row_group, c->name);
            kt_pq_reset_column(&out[i], c->value_type);
            return one_line(st, err);
        }
    }
    return KT_OK;
}
