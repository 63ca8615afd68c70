/*
 * lake/delta/path.c — the names the Delta layer puts on disk: partition
 * directories (Hive escaping, as Spark writes them), add.path URIs
 * (RFC 2396 percent-encoding), random UUIDs for data and temp files,
 * commit file names. Also the one place that reads the clock.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "lake/delta/internal.h"

static const char hex_digits[] = "0123456789ABCDEF";

static kt_status append_pct(kt_buf *out, unsigned char c)
{
    char e[3] = { '%', hex_digits[c >> 4], hex_digits[c & 15] };
    return kt_buf_append(out, e, 3);
}

/* Characters Hive/Spark escape in partition directory names. */
static bool hive_special(unsigned char c)
{
    if (c < 0x20 || c == 0x7f) return true;
    return strchr("\"#%'*/:=?\\{[]^", c) != NULL;
}

kt_status kt_delta_hive_escape(kt_buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        KT_TRY(hive_special(*p) ? append_pct(out, *p) : kt_buf_append_byte(out, *p));
    return KT_OK;
}

static bool uri_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == '=';
}

kt_status kt_delta_uri_encode(kt_buf *out, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        KT_TRY(uri_plain(*p) ? kt_buf_append_byte(out, *p) : append_pct(out, *p));
    return KT_OK;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

kt_status kt_delta_uri_decode(kt_buf *out, const char *uri, kt_error *err)
{
    for (const char *p = uri; *p; p++) {
        if (*p != '%') {
            KT_TRY(kt_buf_append_byte(out, (uint8_t)*p));
            continue;
        }
        int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);
        if (hi < 0 || lo < 0)
            return kt_fail(err, KT_ERR_FORMAT, "bad percent-escape at offset %zu of path '%s'",
                           (size_t)(p - uri), uri);
        if (hi == 0 && lo == 0)
            return kt_fail(err, KT_ERR_FORMAT, "path '%s' encodes a NUL byte", uri);
        KT_TRY(kt_buf_append_byte(out, (uint8_t)(hi * 16 + lo)));
        p += 2;
    }
    return KT_OK;
}

bool kt_delta_path_is_safe_relative(const char *path)
{
    if (!path[0] || path[0] == '/') return false;
    /* a scheme ("file:", "s3:") before the first '/' means an absolute URI */
    const char *colon = strchr(path, ':'), *slash = strchr(path, '/');
    if (colon && (!slash || colon < slash)) return false;
    for (const char *c = path; *c;) {
        const char *end = strchr(c, '/');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        c += n;
        if (*c == '/') c++;
    }
    return true;
}

static kt_status random_bytes(void *buf, size_t len, kt_error *err)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return kt_fail_errno(err, KT_ERR_IO, errno, "getrandom");
        }
        p += n;
        len -= (size_t)n;
    }
    return KT_OK;
}

kt_status kt_delta_uuid4(char out[37], kt_error *err)
{
    uint8_t b[16];
    KT_TRY(random_bytes(b, sizeof b, err));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    static const char lower[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = lower[b[i] >> 4];
        out[o++] = lower[b[i] & 15];
    }
    out[o] = '\0';
    return KT_OK;
}

uint64_t kt_delta_random64(void)
{
    uint64_t v = 0;
    if (random_bytes(&v, sizeof v, NULL) != KT_OK) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
    }
    return v;
}

void kt_delta_commit_name(char out[32], int64_t version)
{
    snprintf(out, 32, "%020lld.json", (long long)version);
}

int64_t kt_delta_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* mkdir takes its parent directory's lock exclusively even when the
 * directory exists, and the lake's ancestors (/tmp, the lake, a table) are
 * shared: a writer that mkdir'ed every component before each new data
 * file queued behind other threads and processes creating files there,
 * blocked for milliseconds (hundreds under load). A lookup takes no such
 * lock, so existing directories (nearly every call) cost one stat. */
static bool is_directory(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

kt_status kt_delta_mkdirs(const char *dir, kt_error *err)
{
    if (dir && dir[0] && is_directory(dir)) return KT_OK;
    char path[KT_DELTA_PATH_MAX];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path)
        return kt_fail(err, KT_ERR_USAGE, "directory name '%.64s' is empty or too long", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0') continue;
        char saved = path[i];
        path[i] = '\0';
        if (saved != '\0' && is_directory(path)) {
            path[i] = saved;
            continue;
        }
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return kt_fail_errno(err, KT_ERR_IO, errno, "mkdir %s", path);
        path[i] = saved;
    }
    return KT_OK;
}
