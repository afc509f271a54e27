// SPDX-License-Identifier: GPL-2.0
/*
 * Reading /etc/ld.so.cache, which glibc offers no API for. The layout is
 * the one glibc's ldconfig writes (described in its dl-cache.h):
 *
 *   [optional old part: "ld.so-1.7.0", u32 nlibs, nlibs x {i32 flags;
 *    u32 key, value}, then padding to 8 bytes]
 *   "glibc-ld.so.cache" "1.1", u32 nlibs, u32 len_strings, u8 flags,
 *   3 pad, u32 extension_offset, 3 x u32 unused         (48 bytes)
 *   nlibs x {i32 flags; u32 key, value; u32 osversion; u64 hwcap} (24 each)
 *   strings
 *
 * The new part's key and value are offsets from the start of its own
 * header, which is the start of the file when there is no old part. The
 * file is in host byte order. It may be corrupt or half-written (ldconfig
 * runs while we read), so every offset is checked against the size.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "resolve-int.h"
#include "util.h"

#define OLD_MAGIC	"ld.so-1.7.0"
#define NEW_MAGIC	"glibc-ld.so.cache1.1"
#define OLD_HDR		16	/* magic[11], pad, u32 nlibs */
#define OLD_ENT		12
#define NEW_HDR		48
#define NEW_ENT		24
#define NEW_ALIGN	8	/* alignof the new header: it holds a u64 */

/* hwcap: the low 32 bits index the glibc-hwcaps extension section. */
#define HWCAP_EXTENSION	(1ULL << 62)

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The offset of the new-format header in @buf, or -ENOEXEC. */
static int64_t new_part(const unsigned char *buf, size_t size)
{
	uint64_t off = 0, nold;

	if (size >= OLD_HDR && memcmp(buf, OLD_MAGIC, strlen(OLD_MAGIC)) == 0) {
		nold = get32(buf + strlen(OLD_MAGIC) + 1);
		off = OLD_HDR + nold * OLD_ENT;
		off = (off + NEW_ALIGN - 1) & ~(uint64_t)(NEW_ALIGN - 1);
		if (off >= size)
			return resolve_set_err(-ENOEXEC, "ld.so.cache: old format only");
	}
	if (size - off < NEW_HDR || memcmp(buf + off, NEW_MAGIC, strlen(NEW_MAGIC)) != 0)
		return resolve_set_err(-ENOEXEC, "ld.so.cache: not a glibc-ld.so.cache1.1 file");
	return off;
}

/* The string at @off from @base, if it lies and ends inside the file. */
static const char *string_at(const char *buf, size_t size, uint64_t base, uint32_t off)
{
	uint64_t at = base + off;

	if (at >= size || !memchr(buf + at, '\0', size - at))
		return NULL;
	return buf + at;
}

int resolve_ldcache_parse(const char *buf, size_t size, struct resolve_ldcache *c)
{
	const unsigned char *u = (const unsigned char *)buf;
	const unsigned char *p;
	int64_t base;
	uint64_t n, i;

	memset(c, 0, sizeof(*c));
	base = new_part(u, size);
	if (base < 0)
		return base;
	n = get32(u + base + 20);
	if (n > (size - base - NEW_HDR) / NEW_ENT)
		return resolve_set_err(-ENOEXEC, "ld.so.cache: %" PRIu64 " entries do not fit", n);
	c->ent = calloc(n ? n : 1, sizeof(*c->ent));
	if (!c->ent)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct resolve_ldcache_ent *e = &c->ent[c->n];

		p = u + base + NEW_HDR + i * NEW_ENT;
		e->flags = (int32_t)get32(p);
		e->key = string_at(buf, size, base, get32(p + 4));
		e->value = string_at(buf, size, base, get32(p + 8));
		e->hwcap = get64(p + 16);
		if (!e->key || !e->value) {
			resolve_ldcache_clear(c);
			return resolve_set_err(-ENOEXEC, "ld.so.cache: entry %" PRIu64
					       " points outside the file", i);
		}
		c->n++;
	}
	return 0;
}

int resolve_ldcache_load(const char *path, struct resolve_ldcache *c)
{
	size_t size;
	char *buf;
	int ret;

	memset(c, 0, sizeof(*c));
	buf = util_read_file(path, &size);
	if (!buf)
		return resolve_set_err(-errno, "%s: %s", path, strerror(errno));
	ret = resolve_ldcache_parse(buf, size, c);
	if (ret) {
		free(buf);
		return ret;
	}
	c->buf = buf;
	return 0;
}

void resolve_ldcache_clear(struct resolve_ldcache *c)
{
	free(c->ent);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

/*
 * Would ld.so take @e in an x86-64 process? Only libc6 x86-64 entries
 * (32-bit and x32 libraries share the cache), and glibc-hwcaps entries
 * only for a level this CPU has: ld.so passes over the others.
 */
bool resolve_ldcache_usable(const struct resolve_ldcache_ent *e)
{
	const char *sub;

	if (e->flags != RESOLVE_LDCACHE_X8664)
		return false;
	if (!e->hwcap)
		return true;
	if (!(e->hwcap & HWCAP_EXTENSION))
		return false;	/* legacy hwcaps: gone from glibc 2.37 on */
	sub = strstr(e->value, "/glibc-hwcaps/");
	if (!sub)
		return false;
	sub += strlen("/glibc-hwcaps/");
	if (!strncmp(sub, "x86-64-v2/", 10))
		return __builtin_cpu_supports("x86-64-v2");
	if (!strncmp(sub, "x86-64-v3/", 10))
		return __builtin_cpu_supports("x86-64-v3");
	if (!strncmp(sub, "x86-64-v4/", 10))
		return __builtin_cpu_supports("x86-64-v4");
	return false;
}
