// SPDX-License-Identifier: Apache-2.0
/* Idmapped bind mounts ("idmap"/"ridmap", or mounts[].uidMappings): made in
 * the parent, where brig is privileged over the source filesystem, as a
 * detached tree (open_tree) given a user namespace with the mount's mappings
 * (or the container's). The child only attaches the tree with move_mount. */
#include "runtime/init/init.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* A user namespace with the given maps, held by an fd: a child parked in it
 * while the maps are written, then killed. */
static int make_userns(const struct spec_idmap *u, size_t nu, const struct spec_idmap *g, size_t ng,
		       struct brig_error *err)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return err_sys(err, "pipe");
	struct clone_args args = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		char c;
		close(pipefd[1]);
		while (read(pipefd[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(pipefd[0]);
	int fd = -1;
	if (pid < 0)
		err_sys(err, "clone a user namespace for an idmapped mount");
	else if (write_id_map(pid, "uid_map", u, nu, err) == 0 &&
		 write_id_map(pid, "gid_map", g, ng, err) == 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err_sys(err, "open '%s'", path);
	}
	close(pipefd[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return fd;
}

static int idmap_tree(const struct spec *s, struct mount_plan *p, struct brig_error *err)
{
	const struct spec_mount *m = p->m;
	const struct spec_idmap *u = m->uid_mappings, *g = m->gid_mappings;
	size_t nu = m->n_uid_mappings, ng = m->n_gid_mappings;
	if (!nu) {
		u = s->linux.uid_mappings, nu = s->linux.n_uid_mappings;
		g = s->linux.gid_mappings, ng = s->linux.n_gid_mappings;
	}
	if (!nu || !ng)
		return err_set(err, EINVAL,
			       "an idmapped mount needs mappings: its own or the "
			       "container's user namespace's");
	_cleanup_close_ int userns = make_userns(u, nu, g, ng, err);
	if (userns < 0)
		return -1;
	unsigned rec = p->opts.ridmap || p->opts.recursive ? AT_RECURSIVE : 0;
	_cleanup_close_ int tree = (int)syscall(SYS_open_tree, AT_FDCWD, p->source,
						OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	if (tree < 0)
		return err_sys(err, "open_tree '%s'", p->source);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	unsigned flags = AT_EMPTY_PATH | (p->opts.ridmap ? AT_RECURSIVE : 0);
	if (syscall(SYS_mount_setattr, tree, "", flags, &attr, sizeof(attr)) < 0)
		return err_sys(err, "idmap '%s'", p->source);
	p->tree_fd = steal_fd(&tree);
	return 0;
}

/* A bind source opened here, with brig's own privileges: inside the container's user
 * namespace the child may not reach it (a 0700 directory of root's; runc opens its bind
 * sources before entering the namespace too). Where brig may not clone mount trees (an
 * unprivileged brig) the child binds by path, as before. */
static int bind_tree(struct mount_plan *m, struct brig_error *err)
{
	unsigned rec = m->opts.recursive ? AT_RECURSIVE : 0;
	int tree = (int)syscall(SYS_open_tree, AT_FDCWD, m->source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	if (tree < 0)
		return errno == EPERM ? 0 : err_sys(err, "open_tree '%s'", m->source);
	m->tree_fd = tree;
	return 0;
}

int plan_idmapped_mounts(const struct spec *s, struct child_plan *p, struct brig_error *err)
{
	bool userns = s->linux.namespaces[SPEC_NS_USER].present;
	for (size_t i = 0; i < p->n_mounts; i++) {
		struct mount_plan *m = &p->mounts[i];
		bool wanted = m->opts.idmap || m->m->n_uid_mappings || m->m->n_gid_mappings;
		if (!wanted && userns && m->kind == MOUNT_BIND && bind_tree(m, err) < 0)
			return err_wrap(err, "mounts[%zu] (%s)", i, m->dest);
		if (!wanted)
			continue;
		if (m->kind != MOUNT_BIND)
			return err_set(err, EINVAL,
				       "mounts[%zu] (%s): idmapped mounts must be bind mounts", i,
				       m->dest);
		if (idmap_tree(s, m, err) < 0)
			return err_wrap(err, "mounts[%zu] (%s)", i, m->dest);
	}
	return 0;
}

int mount_attach_tree(int tree_fd, int target_fd, struct brig_error *err)
{
	if (syscall(SYS_move_mount, tree_fd, "", target_fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_sys(err, "attach the mount");
	return 0;
}

int write_id_map(pid_t pid, const char *file, const struct spec_idmap *m, size_t n,
		 struct brig_error *err)
{
	_cleanup_free_ char *buf = xcalloc(n + 1, 40);
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "%u %u %u\n", m[i].container_id, m[i].host_id,
				       m[i].size);
	if (procfs_pid_write(pid, file, buf, len, err) < 0)
		return err_wrap(err, "write %s", file);
	return 0;
}

/* What a helper wrote to stderr, on one line, for the error message. */
static void read_helper_output(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ';';
}

/* The error of a helper that did not write the map: not installed (the child
 * exits 127), or its own reason (a range not in /etc/subuid for this user). */
static int map_helper_error(const char *tool, int status, const char *out, struct brig_error *err)
{
	char kind = tool[3]; /* newUidmap, newGidmap */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return err_set(err, ENOENT,
			       "%s is not installed: an unprivileged user maps more than its own "
			       "%cid with it, from its ranges in /etc/sub%cid (Debian and Ubuntu: "
			       "the uidmap package; Fedora: shadow-utils)",
			       tool, kind, kind);
	return err_set(err, EPERM,
		       "%s refused %s (%s): brig runs as uid %u, and every range "
		       "but its own %cid must be one of its ranges in /etc/sub%cid",
		       tool, kind == 'u' ? "linux.uidMappings" : "linux.gidMappings",
		       *out ? out : "no reason given", (unsigned)geteuid(), kind, kind);
}

/* newuidmap/newgidmap (shadow's setuid helpers) write ranges an unprivileged
 * user may use per /etc/subuid and /etc/subgid. */
static int run_map_helper(const char *tool, pid_t pid, const struct spec_idmap *m, size_t n,
			  struct brig_error *err)
{
	_cleanup_free_ char **argv = xcalloc(3 * n + 3, sizeof(char *));
	_cleanup_free_ char *nums = xcalloc(3 * n + 1, 16);
	size_t k = 0;
	argv[k++] = (char *)tool;
	argv[k++] = nums;
	sprintf(nums, "%d", pid);
	char *p = nums + 16;
	for (size_t i = 0; i < n; i++, p += 48) {
		sprintf(p, "%u", m[i].container_id);
		sprintf(p + 16, "%u", m[i].host_id);
		sprintf(p + 32, "%u", m[i].size);
		argv[k++] = p;
		argv[k++] = p + 16;
		argv[k++] = p + 32;
	}
	int out[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return err_sys(err, "run %s: pipe", tool);
	pid_t child = fork();
	if (child < 0) {
		err_sys(err, "run %s", tool);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (child == 0) {
		signal(SIGPIPE, SIG_DFL); /* brig ignores it */
		/* its stderr becomes part of brig's one error line */
		if (dup2(out[1], STDERR_FILENO) >= 0)
			execvp(tool, argv);
		int e = errno;
		if (e != ENOENT)
			dprintf(STDERR_FILENO, "exec %s: %s", tool, strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	close(out[1]);
	char text[512];
	read_helper_output(out[0], text, sizeof(text));
	close(out[0]);
	int status;
	if (waitpid(child, &status, 0) < 0)
		return err_sys(err, "run %s", tool);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return map_helper_error(tool, status, text, err);
	return 0;
}

/* Unprivileged users may map their own id, once, without a helper. */
static bool own_id_only(const struct spec_idmap *m, size_t n, unsigned id)
{
	return n == 1 && m[0].host_id == id && m[0].size == 1;
}

int write_id_maps(pid_t pid, const struct spec_linux *l, struct brig_error *err)
{
	bool root = geteuid() == 0;
	if (!root && !own_id_only(l->uid_mappings, l->n_uid_mappings, geteuid())) {
		if (run_map_helper("newuidmap", pid, l->uid_mappings, l->n_uid_mappings, err) < 0)
			return -1;
	} else if (write_id_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0) {
		return -1;
	}
	if (!root && !own_id_only(l->gid_mappings, l->n_gid_mappings, getegid()))
		return run_map_helper("newgidmap", pid, l->gid_mappings, l->n_gid_mappings, err);
	if (!root) {
		/* Unprivileged: gid_map needs setgroups denied first. */
		if (procfs_pid_write(pid, "setgroups", "deny", 4, err) < 0)
			return err_wrap(err, "write setgroups");
	}
	return write_id_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
}
