/* orchestrate/lake_dir.c — paths under <lake>/_kinetl and making the directories. */
#include "orchestrate/lake_dir.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p for the directory path in dir (modified in place, restored). */
static kt_status make_dirs(char *dir, kt_error *err)
{
    for (char *p = dir + 1; ; p++) {
        if (*p != '/' && *p != '\0') continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            kt_fail_errno(err, KT_ERR_IO, e, "cannot create directory %s", dir);
            *p = saved;
            return KT_ERR_IO;
        }
        *p = saved;
        if (saved == '\0') break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return kt_fail(err, KT_ERR_IO, "%s exists and is not a directory", dir);
    return KT_OK;
}

kt_status kt_lake_meta_path(const char *lake, const char *name, bool create, char *out,
                            size_t cap, kt_error *err)
{
    if (!lake || !*lake) return kt_fail(err, KT_ERR_USAGE, "no lake directory given");
    int n = snprintf(out, cap, "%s/%s", lake, KT_LAKE_META_DIR);
    if (n < 0 || (size_t)n >= cap)
        return kt_fail(err, KT_ERR_USAGE, "lake path too long: %s", lake);
    if (create) KT_TRY(make_dirs(out, err));
    n = snprintf(out, cap, "%s/%s/%s", lake, KT_LAKE_META_DIR, name);
    if (n < 0 || (size_t)n >= cap)
        return kt_fail(err, KT_ERR_USAGE, "lake path too long: %s", lake);
    return KT_OK;
}
