// SPDX-License-Identifier: Apache-2.0
/* The compiled-filter cache: <dir>/<sha256>.bpf, a header then the BPF.
 * Compiling Docker's profile costs libseccomp tens of milliseconds per
 * container start; reading it back costs one small file. The key hashes a
 * canonical serialization of the profile (so whitespace or key order in the
 * JSON do not matter), the target architecture and libseccomp's version;
 * the header repeats them with the kernel's seccomp features and a checksum,
 * and any mismatch makes the entry a miss that is recompiled and rewritten.
 * The directory must be ours and closed to others: a planted entry would be
 * loaded as the container's filter. */
#include "seccomp/internal.h"

#include <fcntl.h>
#include <sys/stat.h>

#define CACHE_MAGIC "BRIGBPF"
#define CACHE_VERSION 1

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint32_t scmp_version;
	uint32_t arch;
	uint32_t actions; /* struct filter_features */
	uint32_t kernel_flags;
	uint32_t load_flags; /* struct filter */
	uint32_t notify;
	int32_t send_syscall;
	uint32_t len; /* bytes of BPF that follow */
	uint8_t key[SHA256_LEN];
	uint8_t sum[SHA256_LEN]; /* SHA-256 of the header (sum zeroed) and the BPF */
};

/* ---- the key ---- */

static void put(struct sha256 *h, const void *p, size_t n)
{
	sha256_update(h, p, n);
}

static void put_u64(struct sha256 *h, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i)); /* little-endian whatever the host */
	put(h, b, sizeof(b));
}

static void put_str(struct sha256 *h, const char *s)
{
	size_t n = strlen(s);
	put_u64(h, n); /* length-prefixed: ["ab","c"] and ["a","bc"] differ */
	put(h, s, n);
}

static void put_strv(struct sha256 *h, char *const *v)
{
	size_t n = strv_length(v);
	put_u64(h, n);
	for (size_t i = 0; i < n; i++)
		put_str(h, v[i]);
}

static void put_opt(struct sha256 *h, const struct spec_u64 *v)
{
	put_u64(h, v->set);
	put_u64(h, v->set ? v->value : 0);
}

void cache_key(const struct spec_seccomp *s, uint32_t arch, uint8_t key[SHA256_LEN])
{
	struct sha256 h;
	sha256_init(&h);
	/* v2: programs start with the -ENOSYS stub (enosys.c); a v1 entry,
	 * made without it, must never be read back for the same profile */
	put_str(&h, "brig seccomp cache key v2");
	put_u64(&h, arch);
	put_u64(&h, scmp_version());
	/* everything that shapes the program or the flags; not listenerPath
	 * and listenerMetadata, which only say where the fd goes */
	put_u64(&h, s->default_action);
	put_opt(&h, &s->default_errno_ret);
	put_strv(&h, s->architectures);
	put_strv(&h, s->flags);
	put_u64(&h, s->n_syscalls);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct spec_seccomp_syscall *sc = &s->syscalls[i];
		put_strv(&h, sc->names);
		put_u64(&h, sc->action);
		put_opt(&h, &sc->errno_ret);
		put_u64(&h, sc->n_args);
		for (size_t j = 0; j < sc->n_args; j++) {
			put_u64(&h, sc->args[j].index);
			put_u64(&h, sc->args[j].value);
			put_u64(&h, sc->args[j].value_two);
			put_u64(&h, sc->args[j].op);
		}
	}
	sha256_final(&h, key);
}

/* ---- the directory ---- */

/* Ours and closed to others; a fresh one is made 0700. */
int cache_open(const char *dir, struct brig_error *err)
{
	struct stat st;
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_sys(err, "open '%s'", dir);
	if (st.st_uid != geteuid())
		return err_set(err, EPERM, "'%s' belongs to uid %u, not to us", dir,
			       (unsigned)st.st_uid);
	if ((st.st_mode & 077) && fchmod(fd, 0700) < 0)
		return err_sys(err, "make '%s' private", dir);
	return steal_fd(&fd);
}

static void name_of(const uint8_t key[SHA256_LEN], char out[80])
{
	for (size_t i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", key[i]);
	strcpy(out + 2 * SHA256_LEN, ".bpf");
}

static void header_sum(const struct cache_header *h, const void *bpf, uint8_t out[SHA256_LEN])
{
	struct cache_header copy = *h;
	struct sha256 s;
	memset(copy.sum, 0, sizeof(copy.sum));
	sha256_init(&s);
	sha256_update(&s, &copy, sizeof(copy));
	sha256_update(&s, bpf, h->len);
	sha256_final(&s, out);
}

/* ---- reading ---- */

/* Why the entry cannot be used, or NULL when it can. */
static const char *invalid(const struct cache_header *h, size_t size, const uint8_t key[SHA256_LEN],
			   const struct compile *c)
{
	if (size < sizeof(*h) || memcmp(h->magic, CACHE_MAGIC, sizeof(h->magic)) != 0)
		return "not a cache entry";
	if (h->version != CACHE_VERSION || h->header_size != sizeof(*h))
		return "another cache version";
	if (h->scmp_version != scmp_version())
		return "made by another libseccomp";
	if (h->arch != c->arch || memcmp(h->key, key, SHA256_LEN) != 0)
		return "made for another profile or architecture";
	if (h->actions != c->features.actions || h->kernel_flags != c->features.flags)
		return "made for a kernel with other seccomp features";
	if (h->len != size - sizeof(*h) || h->len == 0 || h->len % sizeof(struct sock_filter) ||
	    h->len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return "truncated";
	return NULL;
}

static int open_entry(int dirfd, const char *name, struct stat *st)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_uid != geteuid() ||
	    (st->st_mode & 022)) {
		log_debug("seccomp cache: %s: not a private file of ours: ignored", name);
		return -1;
	}
	return steal_fd(&fd);
}

struct filter *cache_read(int dirfd, const uint8_t key[SHA256_LEN], const struct compile *c)
{
	char name[80];
	struct stat st;
	name_of(key, name);
	_cleanup_close_ int fd = open_entry(dirfd, name, &st);
	if (fd < 0)
		return NULL;
	size_t size = (size_t)st.st_size;
	if (size > sizeof(struct cache_header) + BPF_MAXINSNS * sizeof(struct sock_filter))
		size = 0; /* too big to be one: fails below */
	_cleanup_free_ char *buf = xmalloc(size ? size : 1);
	if (read_all(fd, buf, size) != (ssize_t)size)
		size = 0;
	struct cache_header h = {0};
	memcpy(&h, buf, size < sizeof(h) ? size : sizeof(h));
	const char *why = invalid(&h, size, key, c);
	uint8_t sum[SHA256_LEN];
	if (!why) {
		header_sum(&h, buf + sizeof(h), sum);
		why = memcmp(sum, h.sum, SHA256_LEN) ? "checksum mismatch" : NULL;
	}
	if (why) {
		log_debug("seccomp cache: %s: %s: recompiling", name, why);
		return NULL;
	}
	struct filter *f = filter_new(buf + sizeof(h), h.len / sizeof(struct sock_filter));
	f->flags = h.load_flags;
	f->notify = h.notify;
	f->send_syscall = h.send_syscall;
	f->from_cache = true;
	return f;
}

/* ---- writing ---- */

void cache_write(int dirfd, const uint8_t key[SHA256_LEN], const struct compile *c,
		 const struct filter *f)
{
	struct cache_header h = {
	    .version = CACHE_VERSION,
	    .header_size = sizeof(h),
	    .scmp_version = scmp_version(),
	    .arch = c->arch,
	    .actions = c->features.actions,
	    .kernel_flags = c->features.flags,
	    .load_flags = f->flags,
	    .notify = f->notify,
	    .send_syscall = (int32_t)f->send_syscall,
	    .len = (uint32_t)filter_size(f),
	};
	char name[80], tmp[128];
	memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
	memcpy(h.key, key, SHA256_LEN);
	header_sum(&h, f->prog.filter, h.sum);
	name_of(key, name);
	/* a name of our own: another brig may be writing the same entry */
	snprintf(tmp, sizeof(tmp), ".%.16s.%d.tmp", name, (int)getpid());
	_cleanup_close_ int fd =
	    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, &h, sizeof(h)) < 0 ||
	    write_all(fd, f->prog.filter, h.len) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		log_debug("seccomp cache: write %s: %s", name, strerror(errno));
		if (fd >= 0)
			unlinkat(dirfd, tmp, 0);
	}
}
