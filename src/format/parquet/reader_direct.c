/*
 * format/parquet/reader_direct.c — data page bodies read from the file
 * straight into the output column, skipping the copy through the chunk
 * window: stored (uncompressed) pages with one read, and SNAPPY pages
 * that barely compress — what snappy writes for data such as noisy
 * doubles: 64 KiB literals, now and then a short copy — with vectored
 * reads that drop every literal in place.
 *
 * Snappy's compressor cuts its input into 64 KiB blocks, and an
 * incompressible block is one literal with the 3-byte tag F4 FF FF. The
 * read after a literal therefore guesses that the stream goes on like
 * that: it reads the next tags into scratch and the 64 KiB after each
 * into the output, and then checks each guessed tag. A wrong guess only
 * costs rereading from that tag: every output byte is written by a
 * checked element, in stream order, before the page is accepted.
 *
 * The output may be split: its first head_len bytes (a v1 page's level
 * section) go to a side buffer, the rest to dst, so the values land
 * exactly at the end of the column.
 *
 * These decoders never fail on bad data: on anything unexpected (a bad
 * offset, a length past the page, a wrong uncompressed size, too many
 * small elements) they decline, and the caller decodes the page the
 * ordinary way, which reports the problem. Only a failed read is an error.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "format/parquet/decode.h"
#include "format/parquet/reader_internal.h"

#define SNAPPY_BLOCK ((size_t)65536)
#define GUESSED_TAG_LEN 3
#define MAX_IOV 256
#define MAX_GUESSES (MAX_IOV / 2)
/* Elements read one by one (copies, literals after a wrong guess) before
 * a page is left to the ordinary decoder: each costs a small read. */
#define MAX_SMALL_ELEMENTS 64

static const uint8_t block_tag[GUESSED_TAG_LEN] = { 0xF4, 0xFF, 0xFF };   /* literal of 65536 bytes */

/* Drops the first `done` bytes from iov[0..*n). */
static void iov_advance(struct iovec **iov, int *n, size_t done)
{
    while (*n > 0 && done >= (*iov)->iov_len) {
        done -= (*iov)->iov_len;
        (*iov)++;
        (*n)--;
    }
    if (*n > 0 && done) {
        (*iov)->iov_base = (uint8_t *)(*iov)->iov_base + done;
        (*iov)->iov_len -= done;
    }
}

/* Copies len bytes from src into the iovecs, advancing them. */
static void iov_copy_in(struct iovec **iov, int *n, const uint8_t *src, size_t len)
{
    while (len > 0 && *n > 0) {
        size_t k = (*iov)->iov_len < len ? (*iov)->iov_len : len;
        memcpy((*iov)->iov_base, src, k);
        src += k;
        len -= k;
        iov_advance(iov, n, k);
    }
}

/* Fills iov[0..n) with the chunk's bytes from chunk offset off on (the
 * caller keeps them within the chunk): from memory, from the current
 * window as far as it reaches, and the rest with vectored reads. The
 * iovecs are consumed. */
static kt_status read_into(kt_pq_chunk *c, size_t off, struct iovec *iov, int n)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) total += iov[i].iov_len;
    if (total == 0) return KT_OK;
    if (c->r->mem) {
        iov_copy_in(&iov, &n, c->r->mem + c->start + off, total);
        return KT_OK;
    }
    if (off >= c->win_off && off - c->win_off < c->win_len) {
        size_t k = c->win_len - (off - c->win_off);
        k = k < total ? k : total;
        iov_copy_in(&iov, &n, c->r->chunk.data + (off - c->win_off), k);
        off += k;
    }
    while (n > 0) {
        ssize_t got = preadv(c->r->fd, iov, n, (off_t)(c->start + off));
        if (got < 0) {
            if (errno == EINTR) continue;
            return kt_fail_errno(c->err, KT_ERR_IO, errno, "reading page data at offset %llu",
                                 (unsigned long long)(c->start + off));
        }
        if (got == 0)
            return kt_fail(c->err, KT_ERR_IO, "file shrank while reading (offset %llu)",
                           (unsigned long long)(c->start + off));
        off += (size_t)got;
        iov_advance(&iov, &n, (size_t)got);
    }
    return KT_OK;
}

static kt_status read_small(kt_pq_chunk *c, size_t off, uint8_t *dst, size_t len)
{
    struct iovec v = { dst, len };
    return read_into(c, off, &v, 1);
}

/* Where the decoded output goes: bytes [0, head_len) to head, the rest
 * (up to usize) to dst. */
typedef struct out_map {
    uint8_t *head;
    size_t head_len;
    uint8_t *dst;
    size_t usize;
} out_map;

static uint8_t *out_at(const out_map *m, size_t o)
{
    return o < m->head_len ? m->head + o : m->dst + (o - m->head_len);
}

/* Appends iovecs for output bytes [o, o + len) (one or two). */
static void out_iov(const out_map *m, struct iovec *iov, int *n, size_t o, size_t len)
{
    if (o < m->head_len) {
        size_t k = m->head_len - o < len ? m->head_len - o : len;
        iov[(*n)++] = (struct iovec){ m->head + o, k };
        o += k;
        len -= k;
    }
    if (len) iov[(*n)++] = (struct iovec){ m->dst + (o - m->head_len), len };
}

kt_status kt_pq_direct_stored(kt_pq_chunk *c, size_t off, size_t csize, size_t usize, uint8_t *head,
                              size_t head_len, uint8_t *dst, bool *done)
{
    *done = false;
    if (csize != usize || usize == 0 || head_len > usize) return KT_OK;
    out_map m = { head, head_len, dst, usize };
    struct iovec iov[2];
    int n = 0;
    out_iov(&m, iov, &n, 0, usize);
    KT_TRY(read_into(c, off, iov, n));
    *done = true;
    return KT_OK;
}

/* ---- snappy ---- */

typedef struct element {
    bool literal;
    size_t tag_len, len;
    size_t offset;             /* copies */
} element;

static uint64_t le_bytes(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Parses the element tag at t[0..have); false if it needs more bytes. */
static bool parse_tag(const uint8_t *t, size_t have, element *e)
{
    if (have < 1) return false;
    size_t code = t[0] >> 2;
    switch (t[0] & 3) {
    case 0:
        e->literal = true;
        if (code < 60) {
            e->tag_len = 1;
            e->len = code + 1;
            return true;
        }
        e->tag_len = 1 + (code - 59);   /* 1..4 length bytes */
        if (have < e->tag_len) return false;
        e->len = (size_t)le_bytes(t + 1, e->tag_len - 1) + 1;
        return true;
    case 1:
        e->literal = false;
        e->tag_len = 2;
        e->len = 4 + (code & 7);
        if (have < 2) return false;
        e->offset = (size_t)(code >> 3) << 8 | t[1];
        return true;
    case 2: case 3:
        e->literal = false;
        e->tag_len = (t[0] & 3) == 2 ? 3 : 5;
        e->len = code + 1;
        if (have < e->tag_len) return false;
        e->offset = (size_t)le_bytes(t + 1, e->tag_len - 1);
        return true;
    }
    return false;
}

typedef struct stream {
    size_t off;                /* chunk offset of the page */
    size_t in, out;            /* page offset of the next tag; output bytes done */
    size_t csize;
    out_map m;
    uint8_t tag[8];            /* bytes at `in` already read */
    size_t tag_have;
} stream;

/* One vectored read: the literal at s->in plus guessed 64 KiB literals
 * behind it, as many as fit. Advances s past every literal whose tag
 * proved right; the first wrong tag is left in s->tag. */
static kt_status literal_batch(kt_pq_chunk *c, stream *s, const element *e)
{
    struct iovec iov[MAX_IOV];
    uint8_t guessed[MAX_GUESSES][GUESSED_TAG_LEN];
    size_t guessed_len[MAX_GUESSES], block_len[MAX_GUESSES];
    int n = 0, k = 0;
    out_iov(&s->m, iov, &n, s->out, e->len);
    size_t in = s->in + e->tag_len + e->len, out = s->out + e->len;
    while (k < MAX_GUESSES && n + 3 <= MAX_IOV && in < s->csize) {
        size_t t = s->csize - in < GUESSED_TAG_LEN ? s->csize - in : GUESSED_TAG_LEN;
        size_t b = s->m.usize - out;
        b = b < SNAPPY_BLOCK ? b : SNAPPY_BLOCK;
        b = b < s->csize - in - t ? b : s->csize - in - t;
        iov[n++] = (struct iovec){ guessed[k], t };
        out_iov(&s->m, iov, &n, out, b);
        guessed_len[k] = t;
        block_len[k++] = b;
        in += t + b;
        out += b;
        if (!b) break;
    }
    KT_TRY(read_into(c, s->off + s->in + e->tag_len, iov, n));
    s->in += e->tag_len + e->len;
    s->out += e->len;
    s->tag_have = 0;
    for (int j = 0; j < k; j++) {
        if (guessed_len[j] == GUESSED_TAG_LEN && block_len[j] == SNAPPY_BLOCK &&
            memcmp(guessed[j], block_tag, GUESSED_TAG_LEN) == 0) {
            s->in += GUESSED_TAG_LEN + SNAPPY_BLOCK;
            s->out += SNAPPY_BLOCK;
            continue;
        }
        memcpy(s->tag, guessed[j], guessed_len[j]);
        s->tag_have = guessed_len[j];
        break;
    }
    return KT_OK;
}

/* A copy of e->len bytes from e->offset back; false if invalid. Byte by
 * byte: copies may overlap themselves and the split. */
static bool copy_element(stream *s, const element *e)
{
    if (e->offset == 0 || e->offset > s->out || e->len > s->m.usize - s->out) return false;
    for (size_t i = 0; i < e->len; i++) *out_at(&s->m, s->out + i) = *out_at(&s->m, s->out + i - e->offset);
    s->in += e->tag_len;
    s->out += e->len;
    if (s->tag_have > e->tag_len) {
        memmove(s->tag, s->tag + e->tag_len, s->tag_have - e->tag_len);
        s->tag_have -= e->tag_len;
    } else {
        s->tag_have = 0;
    }
    return true;
}

kt_status kt_pq_direct_snappy(kt_pq_chunk *c, size_t off, size_t csize, size_t usize, uint8_t *head,
                              size_t head_len, uint8_t *dst, bool *done)
{
    *done = false;
    if (head_len > usize) return KT_OK;
    uint8_t pre[10];
    size_t have = csize < sizeof pre ? csize : sizeof pre, used;
    uint64_t ulen;
    KT_TRY(read_small(c, off, pre, have));
    if (!kt_pq_snappy_preamble(pre, have, &ulen, &used) || ulen != usize) return KT_OK;
    stream s = { .off = off, .in = used, .csize = csize, .m = { head, head_len, dst, usize } };
    s.tag_have = have - used;
    memcpy(s.tag, pre + used, s.tag_have);
    for (int small = 0; s.in < csize;) {
        size_t want = csize - s.in < 5 ? csize - s.in : 5;
        if (s.tag_have < want) {
            KT_TRY(read_small(c, off + s.in, s.tag, want));
            s.tag_have = want;
        }
        element e;
        if (!parse_tag(s.tag, s.tag_have, &e) || e.tag_len > csize - s.in) return KT_OK;
        if ((!e.literal || e.len < SNAPPY_BLOCK) && ++small > MAX_SMALL_ELEMENTS) return KT_OK;
        if (!e.literal) {
            if (!copy_element(&s, &e)) return KT_OK;
            continue;
        }
        if (e.len > csize - s.in - e.tag_len || e.len > usize - s.out) return KT_OK;
        KT_TRY(literal_batch(c, &s, &e));
    }
    *done = s.out == usize;
    return KT_OK;
}
