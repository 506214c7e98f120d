// SPDX-License-Identifier: Apache-2.0
/* Speaking to criu over its RPC, as runc does: `criu swrk FD` on one end of
 * a SOCK_SEQPACKET pair, one criu_req (protobuf, criu-rpc.proto) asking for
 * a dump, a pre-dump or a restore, then criu's notifications (each answered)
 * until its final criu_resp. Only the RPC has what the command line lacks:
 * orphan-pts-master (a terminal's new pty master sent back on restore, and
 * a pty slave without its master allowed on dump) and setup-namespaces
 * (where runc runs the restored container's prestart and createRuntime
 * hooks). Also what checkpoint.c and restore.c share: finding criu, its
 * configuration file, the options both pass, the error from its log. */
#include "criu-rpc.pb-c.h"
#include "runtime/container/internal.h"

#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* criu's answers are small; a notification carries at most one fd */
#define CRIU_MSG_MAX (64 * 1024)

/* struct criu_opts' manage_cgroups_mode, in criu's terms */
static const CriuCgMode cgroups_modes[] = {CRIU_CG_MODE__SOFT, CRIU_CG_MODE__FULL,
					   CRIU_CG_MODE__STRICT, CRIU_CG_MODE__IGNORE};

void criu_external(struct criu_call *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	c->external = xrealloc(c->external, (c->n_external + 1) * sizeof(*c->external));
	c->external[c->n_external++] = s;
}

void criu_inherit_fd(struct criu_call *c, int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	c->inherit = xrealloc(c->inherit, (c->n_inherit + 1) * sizeof(*c->inherit));
	c->inherit[c->n_inherit].key = s;
	c->inherit[c->n_inherit++].fd = fd;
}

void criu_call_clear(struct criu_call *c)
{
	for (size_t i = 0; i < c->n_external; i++)
		free(c->external[i]);
	for (size_t i = 0; i < c->n_inherit; i++)
		free(c->inherit[i].key);
	free(c->external);
	free(c->inherit);
	free(c->log_path);
	c->external = NULL;
	c->inherit = NULL;
	c->log_path = NULL;
	c->n_external = c->n_inherit = 0;
}

char *criu_find(const char *name, struct brig_error *err)
{
	if (strchr(name, '/')) {
		if (access(name, X_OK) == 0)
			return xstrdup(name);
		err_sys(err, "criu not found: '%s'", name);
		return NULL;
	}
	const char *path = getenv("PATH");
	_cleanup_free_ char *copy = xstrdup(path && *path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *p = path_join(dir, name);
		if (access(p, X_OK) == 0)
			return steal_ptr(&p);
	}
	err_set(err, ENOENT,
		"criu not found: no '%s' in PATH (install criu or name it with --criu)", name);
	return NULL;
}

int criu_check_opts(const struct criu_opts *o, struct brig_error *err)
{
	for (char **ns = o->empty_ns; ns && *ns; ns++)
		if (strcmp(*ns, "network"))
			return err_set(err, EINVAL,
				       "--empty-ns: namespace '%s' is not supported (only network)",
				       *ns);
	return 0;
}

bool criu_mount_is_bind(const struct spec_mount *m)
{
	if (m->type && !strcmp(m->type, "bind"))
		return true;
	for (char **o = m->options; o && *o; o++)
		if (!strcmp(*o, "bind") || !strcmp(*o, "rbind"))
			return true;
	return false;
}

char *criu_abs_dir(const char *dir, bool create, struct brig_error *err)
{
	if (create && mkdir_p(dir, 0700, err) < 0)
		return NULL;
	char *abs = realpath(dir, NULL);
	if (!abs) {
		err_sys(err, "image directory '%s'", dir);
		return NULL;
	}
	return abs;
}

char *criu_mount_key(const char *rootfs, const char *dest)
{
	_cleanup_free_ char *clean = path_clean(dest);
	struct brig_error ignored;
	_cleanup_free_ char *real_root = realpath(rootfs, NULL);
	_cleanup_close_ int root_fd =
	    real_root ? open(real_root, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	_cleanup_close_ int fd = root_fd >= 0 ? open_in_root(root_fd, clean, O_PATH, &ignored) : -1;
	char link[FD_PATH_MAX], target[PATH_MAX];
	ssize_t n = fd >= 0 ? readlink(fd_path(fd, link), target, sizeof(target) - 1) : -1;
	if (n <= 0)
		return steal_ptr(&clean);
	target[n] = '\0';
	size_t len = strlen(real_root);
	if (strncmp(target, real_root, len) || (target[len] && target[len] != '/'))
		return steal_ptr(&clean);
	return xstrdup(target[len] ? target + len : "/");
}

/* runc's handleCriuConfigurationFile: the annotation org.criu.config names
 * criu's configuration file, "" for none; without the annotation,
 * /etc/criu/runc.conf, passed only when it exists (criu's RPC reads it and
 * lets its settings win over the request's). */
static const char *criu_config(const struct spec *s)
{
	const char *file = spec_annotation(s, CRIU_CONFIG_ANNOTATION);
	if (!file)
		file = CRIU_DEFAULT_CONFIG;
	return *file && access(file, F_OK) == 0 ? file : NULL;
}

/* The value of option `key` in a criu configuration file (lines "key value"
 * or "key=value", '#' comments), the last one; NULL when it is not set. */
static char *criu_config_value(const char *file, const char *key)
{
	_cleanup_free_ char *text = NULL;
	struct brig_error ignored;
	if (read_file_at(AT_FDCWD, file, &text, NULL, &ignored) < 0)
		return NULL;
	char *found = NULL, *save = NULL;
	size_t klen = strlen(key);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (line[0] == '-' && line[1] == '-')
			line += 2;
		if (strncmp(line, key, klen) || !strchr(" \t=", line[klen]) || !line[klen])
			continue;
		char *v = line + klen;
		v += strspn(v, " \t=");
		v[strcspn(v, " \t#")] = '\0';
		if (*v) {
			free(found);
			found = xstrdup(v);
		}
	}
	return found;
}

/* criu's log's cause, for the message: its first "Error" line, unless that
 * is only the verdict ("Dumping FAILED."), which the last one is. */
static char *criu_log_error(const char *path)
{
	_cleanup_free_ char *text = NULL;
	struct brig_error ignored;
	if (read_file_at(AT_FDCWD, path, &text, NULL, &ignored) < 0)
		return NULL;
	char *first = NULL, *last = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, "Error"))
			continue;
		if (!first && !strstr(line, "FAILED"))
			first = line;
		last = line;
	}
	return first ? xstrdup(first) : last ? xstrdup(last) : NULL;
}

static const char *call_name(enum criu_call_type t)
{
	return t == CRIU_CALL_DUMP ? "dump" : t == CRIU_CALL_PRE_DUMP ? "pre-dump" : "restore";
}

/* The request's options: the call's, the user's flags, runc's constants. */
struct packed_opts {
	CriuOpts opts;
	InheritFd *inherit;
	InheritFd **inherit_ptrs;
	CgroupRoot cg_root;
	CgroupRoot *cg_root_ptr;
	CriuPageServerInfo ps;
};

static void fill_opts(struct packed_opts *p, const struct criu_call *c, const struct criu_opts *o,
		      const char *config, int image_fd, int work_fd)
{
	CriuOpts *r = &p->opts;
	*r = (CriuOpts)CRIU_OPTS__INIT;
	r->images_dir_fd = image_fd;
	if (work_fd >= 0) {
		r->has_work_dir_fd = true;
		r->work_dir_fd = work_fd;
	}
	r->log_file = (char *)c->log;
	r->has_log_level = true;
	r->log_level = 4;
	r->config_file = (char *)config;
	r->has_notify_scripts = r->notify_scripts = true;
	/* a pty slave whose master is brig's caller's: dumped without it, and
	 * on restore given a new master that criu sends back */
	r->has_orphan_pts_master = r->orphan_pts_master = true;
	r->has_manage_cgroups_mode = true;
	r->manage_cgroups_mode = cgroups_modes[o->manage_cgroups_mode];
	r->has_tcp_established = r->tcp_established = o->tcp_established;
	r->has_ext_unix_sk = r->ext_unix_sk = o->ext_unix_sk;
	r->has_shell_job = r->shell_job = o->shell_job;
	r->has_file_locks = r->file_locks = o->file_locks;
	r->has_auto_dedup = r->auto_dedup = o->auto_dedup;
	/* dump: the pages stay with criu, served to the restore's lazy-pages
	 * daemon; restore: they are fetched from it on demand */
	r->has_lazy_pages = r->lazy_pages = o->lazy_pages;
	if (c->ps_port > 0) {
		p->ps = (CriuPageServerInfo)CRIU_PAGE_SERVER_INFO__INIT;
		p->ps.address = (char *)c->ps_address;
		p->ps.has_port = true;
		p->ps.port = c->ps_port;
		r->ps = &p->ps;
	}
	if (o->empty_ns && *o->empty_ns) {
		r->has_empty_ns = true;
		r->empty_ns = CLONE_NEWNET;
	}
	if (c->pid > 0) {
		r->has_pid = true;
		r->pid = c->pid;
	}
	r->root = (char *)c->root;
	r->has_leave_running = r->leave_running = c->leave_running;
	r->has_track_mem = r->track_mem = c->track_mem;
	r->parent_img = (char *)c->parent;
	r->freeze_cgroup = (char *)c->freeze_cgroup;
	r->lsm_profile = (char *)c->lsm_profile;
	r->lsm_mount_context = (char *)c->lsm_mount_context;
	if (c->type == CRIU_CALL_RESTORE) {
		r->has_rst_sibling = r->rst_sibling = true;
		/* a device file whose path is gone may be opened by its numbers */
		r->has_evasive_devices = r->evasive_devices = true;
	}
	if (c->cgroup_root) {
		p->cg_root = (CgroupRoot)CGROUP_ROOT__INIT;
		p->cg_root.path = (char *)c->cgroup_root;
		p->cg_root_ptr = &p->cg_root;
		r->n_cg_root = 1;
		r->cg_root = &p->cg_root_ptr;
	}
	r->n_external = c->n_external;
	r->external = c->external;
	p->inherit = xcalloc(c->n_inherit + 1, sizeof(*p->inherit));
	p->inherit_ptrs = xcalloc(c->n_inherit + 1, sizeof(*p->inherit_ptrs));
	for (size_t i = 0; i < c->n_inherit; i++) {
		p->inherit[i] = (InheritFd)INHERIT_FD__INIT;
		p->inherit[i].key = c->inherit[i].key;
		p->inherit[i].fd = c->inherit[i].fd;
		p->inherit_ptrs[i] = &p->inherit[i];
	}
	r->n_inherit_fd = c->n_inherit;
	r->inherit_fd = p->inherit_ptrs;
}

static void packed_opts_clear(struct packed_opts *p)
{
	free(p->inherit);
	free(p->inherit_ptrs);
}

static int send_req(int sk, const CriuReq *req, struct brig_error *err)
{
	size_t len = criu_req__get_packed_size(req);
	_cleanup_free_ uint8_t *buf = xmalloc(len ? len : 1);
	criu_req__pack(req, buf);
	if (send(sk, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		return err_sys(err, "send criu its request");
	return 0;
}

/* One answer; *fd is the fd it carried, or -1. 0: criu hung up. */
static int recv_resp(int sk, CriuResp **resp, int *fd, struct brig_error *err)
{
	_cleanup_free_ uint8_t *buf = xmalloc(CRIU_MSG_MAX);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = CRIU_MSG_MAX};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	*fd = -1;
	ssize_t n;
	while ((n = recvmsg(sk, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n < 0 && errno == ECONNRESET)
		return 0; /* criu exited with the request unread */
	if (n < 0)
		return err_sys(err, "read criu's answer");
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if (n == 0)
		return 0;
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		closep(fd);
		return err_set(err, EPROTO, "criu's answer is larger than %d bytes", CRIU_MSG_MAX);
	}
	*resp = criu_resp__unpack(NULL, (size_t)n, buf);
	if (!*resp) {
		closep(fd);
		return err_set(err, EPROTO, "criu's answer is not a criu_resp message");
	}
	return 1;
}

/* The notifications until criu's final answer; a handler's failure is
 * answered as one (criu then fails the call) and kept in herr. */
static int converse(int sk, struct criu_call *c, bool *success, int *cr_errno,
		    struct brig_error *herr, struct brig_error *err)
{
	for (;;) {
		CriuResp *resp = NULL;
		int fd = -1;
		int r = recv_resp(sk, &resp, &fd, err);
		if (r <= 0)
			return r < 0 ? -1 : err_set(err, EPIPE, "criu exited without an answer");
		if (resp->type != CRIU_REQ_TYPE__NOTIFY) {
			*success = resp->success;
			*cr_errno = resp->has_cr_errno ? resp->cr_errno : 0;
			if (resp->restore)
				c->restored = resp->restore->pid;
			criu_resp__free_unpacked(resp, NULL);
			closep(&fd);
			return 0;
		}
		const char *script =
		    resp->notify && resp->notify->script ? resp->notify->script : "";
		pid_t pid = resp->notify && resp->notify->has_pid ? resp->notify->pid : 0;
		log_debug("criu %s: notification %s (pid %d, fd %d)", call_name(c->type), script,
			  pid, fd);
		bool ok = true;
		if (c->notify && !herr->errnum)
			ok = c->notify(c->ctx, script, pid, &fd, herr) == 0;
		closep(&fd);
		criu_resp__free_unpacked(resp, NULL);
		CriuReq answer = CRIU_REQ__INIT;
		answer.type = CRIU_REQ_TYPE__NOTIFY;
		answer.has_notify_success = true;
		answer.notify_success = ok;
		if (send_req(sk, &answer, err) < 0)
			return -1;
	}
}

static pid_t spawn_swrk(const char *path, int sk, struct brig_error *err)
{
	pid_t pid = fork();
	if (pid < 0) {
		err_sys(err, "fork criu");
		return -1;
	}
	if (pid == 0) {
		char fd[16];
		sigset_t none;
		/* restore in the foreground blocks every signal for its wait: criu
		 * needs its own (SIGCHLD), and sets the restored tasks' masks itself */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (fcntl(sk, F_SETFD, 0) < 0)
			_exit(127);
		snprintf(fd, sizeof(fd), "%d", sk);
		execl(path, "criu", "swrk", fd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static char *log_path(const struct criu_call *c, const char *config)
{
	_cleanup_free_ char *conf_log = config ? criu_config_value(config, "log-file") : NULL;
	const char *log = conf_log ? conf_log : c->log;
	return log[0] == '/' ? xstrdup(log) : path_join(c->work, log);
}

int criu_call_run(const char *path, struct criu_call *c, const struct criu_opts *o,
		  const struct spec *s, struct ctr_cgroup *cg, struct brig_error *err)
{
	const char *config = criu_config(s);
	free(c->log_path);
	c->log_path = log_path(c, config);
	_cleanup_close_ int image_fd = open(c->image, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (image_fd < 0)
		return err_sys(err, "image directory '%s'", c->image);
	_cleanup_close_ int work_fd = open(c->work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (work_fd < 0)
		return err_sys(err, "work directory '%s'", c->work);
	struct packed_opts p = {0};
	fill_opts(&p, c, o, config, image_fd, work_fd);
	CriuReq req = CRIU_REQ__INIT;
	req.type = c->type == CRIU_CALL_DUMP	   ? CRIU_REQ_TYPE__DUMP
		   : c->type == CRIU_CALL_PRE_DUMP ? CRIU_REQ_TYPE__PRE_DUMP
						   : CRIU_REQ_TYPE__RESTORE;
	req.opts = &p.opts;

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		packed_opts_clear(&p);
		return err_sys(err, "socketpair for criu");
	}
	pid_t pid = spawn_swrk(path, sv[1], err);
	closep(&sv[1]);
	if (pid < 0) {
		closep(&sv[0]);
		packed_opts_clear(&p);
		return -1;
	}
	/* restore: criu runs in the container's cgroup, so the tree it restores
	 * starts there (runc's criuApplyCgroups) */
	int r = cg && cg->active ? cgroup_join(cg, pid, false, err) : 0;
	bool success = false;
	int cr_errno = 0;
	struct brig_error herr = {0};
	if (r == 0)
		r = send_req(sv[0], &req, err);
	if (r == 0)
		r = converse(sv[0], c, &success, &cr_errno, &herr, err);
	packed_opts_clear(&p);
	/* after a pre-dump criu waits for the next request of a series (runc,
	 * like brig, asks for one pre-dump a call): its work is done */
	bool pre_dumped = r == 0 && success && c->type == CRIU_CALL_PRE_DUMP;
	if (pre_dumped)
		kill(pid, SIGKILL);
	closep(&sv[0]); /* criu (swrk) exits once the socket is closed */
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_sys(err, "wait for criu");
	if (herr.errnum) {
		*err = herr;
		return -1;
	}
	if (r < 0 && !(err->errnum == EPIPE && WIFEXITED(status) && WEXITSTATUS(status) == 127))
		return r;
	if (pre_dumped || (success && WIFEXITED(status) && WEXITSTATUS(status) == 0))
		return 0;
	_cleanup_free_ char *line = criu_log_error(c->log_path);
	if (WIFSIGNALED(status))
		return err_set(err, EIO, "criu %s killed by signal %d (log: %s)",
			       call_name(c->type), WTERMSIG(status), c->log_path);
	if (WEXITSTATUS(status) == 127 && !line)
		return err_set(err, EIO, "exec '%s' failed", path);
	return err_set(err, cr_errno > 0 ? cr_errno : EIO, "criu %s failed: %s (log: %s)",
		       call_name(c->type), line ? line : "no error in its log", c->log_path);
}
