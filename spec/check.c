// SPDX-License-Identifier: Apache-2.0
/* `brig check`: the rules of docs/security.md as a pure function over a
 * parsed config, plus the process and seccomp rules. Mounts, namespaces,
 * resources and paths are in check_linux.c, formatting and policies in
 * check_format.c. */
#include "spec/check.h"

#include <ctype.h>
#include <linux/capability.h>

struct rule_def {
	struct spec_rule r;
	const char *fix;
};

/* The fixes name the config fields, then the docker run and Kubernetes
 * securityContext settings that produce them. */
static const struct rule_def rules[R_COUNT] = {
    [R_ROOT_USER] =
	{{"root-user", SPEC_SEV_HIGH, "the process runs as root on the host"},
	 "set process.user to an unprivileged uid/gid (docker run --user 1000:1000; "
	 "securityContext runAsNonRoot: true, runAsUser: 1000), or map root to an "
	 "unprivileged host range with a user namespace (brig spec --hardened --userns)"},
    [R_NO_USERNS] = {{"no-user-namespace", SPEC_SEV_INFO, "no user namespace"},
		     "add a user namespace with uidMappings/gidMappings (brig spec --hardened "
		     "--userns; dockerd --userns-remap; pod spec hostUsers: false)"},
    [R_ALL_CAPS] = {{"all-capabilities", SPEC_SEV_HIGH,
		     "every capability: the equivalent of --privileged"},
		    "list only the capabilities the program needs in process.capabilities "
		    "(docker run --cap-drop ALL --cap-add ...; securityContext capabilities: "
		    "drop: [ALL], privileged: false)"},
    [R_DANGEROUS_CAP] = {{"dangerous-capability", SPEC_SEV_HIGH,
			  "a capability that lets the container reach the host"},
			 "remove it from every set of process.capabilities (docker run "
			 "--cap-drop NAME; securityContext capabilities: drop: [NAME])"},
    [R_NO_NEW_PRIVS] = {{"no-new-privileges", SPEC_SEV_MEDIUM,
			 "setuid binaries and file capabilities can raise privileges"},
			"set process.noNewPrivileges: true (docker run --security-opt "
			"no-new-privileges; securityContext allowPrivilegeEscalation: false)"},
    [R_WRITABLE_ROOT] = {{"writable-rootfs", SPEC_SEV_LOW, "the root filesystem is writable"},
			 "set root.readonly: true and give the program tmpfs mounts for what it "
			 "writes (docker run --read-only --tmpfs /tmp; securityContext "
			 "readOnlyRootFilesystem: true)"},
    [R_NO_SECCOMP] = {{"seccomp-missing", SPEC_SEV_HIGH, "no seccomp filter"},
		      "add linux.seccomp, e.g. brig's default (brig spec; brig seccomp convert) "
		      "(docker's default profile; securityContext seccompProfile: type: "
		      "RuntimeDefault)"},
    [R_SECCOMP_UNCONFINED] = {{"seccomp-unconfined", SPEC_SEV_HIGH,
			       "the seccomp filter allows by default"},
			      "use an allow-list: defaultAction SCMP_ACT_ERRNO with "
			      "defaultErrnoRet 1 and the syscalls the program needs allowed "
			      "(brig seccomp convert; never --security-opt seccomp=unconfined "
			      "or seccompProfile: type: Unconfined)"},
    [R_SECCOMP_DANGEROUS] = {{"seccomp-dangerous-syscall", SPEC_SEV_HIGH,
			      "the seccomp filter allows syscalls Docker's default blocks"},
			     "drop them from the allowed names, or start from brig's default "
			     "profile (brig seccomp convert --cap ...)"},
    [R_SECCOMP_DENIES_ALL] = {{"seccomp-denies-all", SPEC_SEV_HIGH,
			       "the seccomp filter denies what every program needs"},
			      "allow execve, exit_group, read, write, brk, mmap and "
			      "rt_sigreturn at least (brig seccomp explain shows the filter)"},
    [R_NO_MEMORY_LIMIT] = {{"no-memory-limit", SPEC_SEV_MEDIUM, "no memory limit"},
			   "set linux.resources.memory.limit (docker run --memory 512m; "
			   "resources.limits.memory: 512Mi)"},
    [R_NO_PIDS_LIMIT] = {{"no-pids-limit", SPEC_SEV_MEDIUM, "no pids limit: a fork bomb"},
			 "set linux.resources.pids.limit (docker run --pids-limit 50; the "
			 "kubelet's podPidsLimit)"},
    [R_NO_CPU_LIMIT] = {{"no-cpu-limit", SPEC_SEV_LOW, "no CPU limit"},
			"set linux.resources.cpu.quota and period (docker run --cpus 1; "
			"resources.limits.cpu: 1)"},
    [R_HOST_NETWORK] = {{"host-network", SPEC_SEV_HIGH, "the host's network namespace"},
			"add {\"type\": \"network\"} to linux.namespaces (no docker run "
			"--network host; hostNetwork: false)"},
    [R_HOST_PID] = {{"host-pid", SPEC_SEV_HIGH, "the host's pid namespace"},
		    "add {\"type\": \"pid\"} to linux.namespaces (no docker run --pid host; "
		    "hostPID: false)"},
    [R_HOST_IPC] = {{"host-ipc", SPEC_SEV_MEDIUM, "the host's IPC namespace"},
		    "add {\"type\": \"ipc\"} to linux.namespaces (no docker run --ipc host; "
		    "hostIPC: false)"},
    [R_HOST_UTS] = {{"host-uts", SPEC_SEV_LOW, "the host's UTS namespace"},
		    "add {\"type\": \"uts\"} to linux.namespaces (no docker run --uts host)"},
    [R_HOST_MOUNT] = {{"host-mount", SPEC_SEV_HIGH, "the host's mount namespace"},
		      "add {\"type\": \"mount\"} to linux.namespaces"},
    [R_HOST_CGROUP] = {{"host-cgroup", SPEC_SEV_LOW, "the host's cgroup namespace"},
		       "add {\"type\": \"cgroup\"} to linux.namespaces (docker run --cgroupns "
		       "private)"},
    [R_SENSITIVE_MOUNT] = {{"sensitive-mount", SPEC_SEV_HIGH,
			    "a bind mount of a sensitive host path"},
			   "remove the mount, or bind only the file the program needs, "
			   "read-only (docker run -v SRC:DST:ro; volumeMounts readOnly: true, "
			   "no hostPath volumes)"},
    [R_DEVICES] = {{"devices-allow-all", SPEC_SEV_HIGH, "access to every device"},
		   "end linux.resources.devices with specific allow rules after "
		   "{\"allow\": false, \"access\": \"rwm\"} (docker run --device PATH, not "
		   "--privileged or --device-cgroup-rule 'a *:* rwm')"},
    [R_MASKED_PATHS] = {{"masked-paths-removed", SPEC_SEV_MEDIUM,
			 "default masked paths are missing"},
			"keep the default linux.maskedPaths (never --security-opt "
			"systempaths=unconfined or procMount: Unmasked)"},
    [R_READONLY_PATHS] = {{"readonly-paths-removed", SPEC_SEV_MEDIUM,
			   "default read-only paths are missing"},
			  "keep the default linux.readonlyPaths (never --security-opt "
			  "systempaths=unconfined or procMount: Unmasked)"},
    [R_PROC_SYS] = {{"writable-proc-sys", SPEC_SEV_HIGH, "/proc/sys is writable"},
		    "list /proc/sys in linux.readonlyPaths; set what the program needs with "
		    "linux.sysctl (docker run --sysctl; securityContext sysctls)"},
    [R_WRITABLE_SYSFS] = {{"writable-sysfs", SPEC_SEV_MEDIUM, "sysfs or cgroupfs is writable"},
			  "mount it with the \"ro\" option"},
    [R_TMPFS_EXEC] = {{"tmpfs-exec", SPEC_SEV_LOW, "a tmpfs allows exec, setuid or devices"},
		      "add noexec, nosuid and nodev to its options (docker run --tmpfs "
		      "/tmp:rw,noexec,nosuid,nodev)"},
    [R_SECRET_ENV] = {{"secret-in-env", SPEC_SEV_MEDIUM, "a secret in an environment variable"},
		      "pass it as a file (a read-only mount under /run/secrets; docker "
		      "secrets; Kubernetes Secret volumes) and name the file in NAME_FILE"},
    [R_APPARMOR] = {{"apparmor-unset", SPEC_SEV_MEDIUM,
		     "the host has AppArmor and the process is unconfined"},
		    "set process.apparmorProfile (docker-default is Docker's; docker run "
		    "--security-opt apparmor=PROFILE; securityContext appArmorProfile)"},
    [R_SELINUX] = {{"selinux-unset", SPEC_SEV_MEDIUM,
		    "the host has SELinux and the process has no label"},
		   "set process.selinuxLabel and linux.mountLabel (docker run --security-opt "
		   "label=...; securityContext seLinuxOptions)"},
};

static const char *const severity_names[] = {"info", "low", "medium", "high"};

const char *spec_severity_name(enum spec_severity s)
{
	if ((unsigned)s >= ARRAY_SIZE(severity_names))
		return NULL;
	return severity_names[s];
}

int spec_severity_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(severity_names); i++)
		if (strcmp(name, severity_names[i]) == 0)
			return (int)i;
	return -1;
}

const struct spec_rule *spec_check_rules(size_t *ret_n)
{
	static struct spec_rule list[R_COUNT];
	for (size_t i = 0; i < R_COUNT; i++)
		list[i] = rules[i].r;
	*ret_n = R_COUNT;
	return list;
}

void check_add(struct check_ctx *c, enum check_rule r, enum spec_severity sev, const char *path,
	       const char *fmt, ...)
{
	if (c->n == c->cap)
		c->v = xrealloc(c->v, (c->cap = c->cap ? c->cap * 2 : 16) * sizeof(*c->v));
	struct spec_finding *f = &c->v[c->n++];
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&f->message, fmt, ap) < 0)
		abort();
	va_end(ap);
	f->rule = rules[r].r.id;
	f->severity = sev;
	f->path = xstrdup(path);
	f->fix = rules[r].fix;
}

/* ---- process ---- */

int64_t check_host_root(const struct spec_linux *l)
{
	if (!l->namespaces[SPEC_NS_USER].present)
		return 0;
	for (size_t i = 0; i < l->n_uid_mappings; i++)
		if (l->uid_mappings[i].container_id == 0)
			return l->uid_mappings[i].host_id;
	return l->namespaces[SPEC_NS_USER].path ? -1 : INT64_MAX; /* unmapped: nobody */
}

static void check_user(struct check_ctx *c)
{
	const struct spec *s = c->s;
	if (!s->linux.namespaces[SPEC_NS_USER].present)
		check_add(c, R_NO_USERNS, SPEC_SEV_INFO, ".linux.namespaces",
			  "no user namespace: container uids are host uids");
	if (!s->has_process || s->process.user.uid != 0)
		return;
	if (check_host_root(&s->linux) == 0)
		check_add(c, R_ROOT_USER, SPEC_SEV_HIGH, ".process.user.uid",
			  "the process runs as uid 0, which is root on the host");
}

static const struct {
	int cap;
	enum spec_severity sev;
	const char *why;
} dangerous_caps[] = {
    {CAP_SYS_ADMIN, SPEC_SEV_HIGH,
     "mount, namespaces, bpf, and most of the kernel's admin interfaces"},
    {CAP_SYS_MODULE, SPEC_SEV_HIGH, "loads kernel modules"},
    {CAP_SYS_RAWIO, SPEC_SEV_HIGH, "raw I/O ports and memory"},
    {CAP_SYS_PTRACE, SPEC_SEV_HIGH, "ptrace of any process it can see"},
    {CAP_DAC_READ_SEARCH, SPEC_SEV_HIGH,
     "open_by_handle_at reaches any host file (the shocker exploit)"},
    {CAP_BPF, SPEC_SEV_HIGH, "loads BPF programs"},
    {CAP_MAC_ADMIN, SPEC_SEV_HIGH, "changes the MAC policy"},
    {CAP_MAC_OVERRIDE, SPEC_SEV_HIGH, "overrides the MAC policy"},
    {CAP_NET_ADMIN, SPEC_SEV_HIGH, "reconfigures the network: interfaces, routes, firewall"},
    {CAP_PERFMON, SPEC_SEV_MEDIUM, "perf_event_open and other performance monitoring"},
    {CAP_SYS_BOOT, SPEC_SEV_MEDIUM, "reboots the host and kexec"},
    {CAP_SYS_TIME, SPEC_SEV_MEDIUM, "sets the system clock"},
    {CAP_SYSLOG, SPEC_SEV_MEDIUM, "reads the kernel log and addresses"},
    {CAP_AUDIT_CONTROL, SPEC_SEV_MEDIUM, "changes the audit configuration"},
    {CAP_CHECKPOINT_RESTORE, SPEC_SEV_MEDIUM, "checkpoint/restore: sets pids, reads others' maps"},
    {CAP_IPC_OWNER, SPEC_SEV_MEDIUM, "bypasses IPC permission checks"},
    {CAP_SYS_RESOURCE, SPEC_SEV_LOW, "overrides resource limits"},
    {CAP_LINUX_IMMUTABLE, SPEC_SEV_LOW, "changes immutable and append-only files"},
    {CAP_NET_RAW, SPEC_SEV_LOW, "raw sockets: spoofed packets on the container's network"},
    {CAP_SYS_PACCT, SPEC_SEV_LOW, "process accounting"},
};

#define KNOWN_CAPS ((UINT64_C(1) << (CAP_CHECKPOINT_RESTORE + 1)) - 1) /* CAP_CHOWN .. */

/* The first set holding cap, for the finding's path. */
static const char *cap_set(const struct spec_capabilities *k, uint64_t bit)
{
	if (k->bounding & bit)
		return ".process.capabilities.bounding";
	if (k->effective & bit)
		return ".process.capabilities.effective";
	if (k->permitted & bit)
		return ".process.capabilities.permitted";
	if (k->ambient & bit)
		return ".process.capabilities.ambient";
	return ".process.capabilities.inheritable";
}

static void check_caps(struct check_ctx *c)
{
	const struct spec_capabilities *k = &c->s->process.capabilities;
	if (!c->s->has_process)
		return;
	if (!k->present)
		return; /* absent: no capability at all (runc's reading, and brig's) */
	uint64_t all = k->bounding | k->effective | k->permitted | k->inheritable | k->ambient;
	if ((all & KNOWN_CAPS) == KNOWN_CAPS) {
		check_add(
		    c, R_ALL_CAPS, SPEC_SEV_HIGH, cap_set(k, 1),
		    "every capability is granted: the container is as privileged as the host");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dangerous_caps); i++) {
		uint64_t bit = UINT64_C(1) << dangerous_caps[i].cap;
		if (all & bit)
			check_add(c, R_DANGEROUS_CAP, dangerous_caps[i].sev, cap_set(k, bit),
				  "%s: %s", spec_cap_name(dangerous_caps[i].cap),
				  dangerous_caps[i].why);
	}
}

static void check_process(struct check_ctx *c)
{
	const struct spec_process *p = &c->s->process;
	if (!c->s->has_process)
		return;
	if (!p->no_new_privileges)
		check_add(c, R_NO_NEW_PRIVS, SPEC_SEV_MEDIUM, ".process.noNewPrivileges",
			  "false: setuid programs and file capabilities can gain privileges");
	if (c->host && c->host->apparmor &&
	    (!p->apparmor_profile || strcmp(p->apparmor_profile, "unconfined") == 0))
		check_add(c, R_APPARMOR, SPEC_SEV_MEDIUM, ".process.apparmorProfile",
			  "the host enforces AppArmor but the process runs unconfined");
	if (c->host && c->host->selinux && !p->selinux_label)
		check_add(c, R_SELINUX, SPEC_SEV_MEDIUM, ".process.selinuxLabel",
			  "the host enforces SELinux but the process has no label");
}

/* ---- environment ---- */

static const char *const secret_words[] = {
    "PASSWORD", "PASSWD",      "SECRET",     "TOKEN",	   "API_KEY",
    "APIKEY",	"PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL",
};

/* NAME=value with a value and a name that says secret; NAME_FILE and
 * NAME_PATH point to a file, which is the recommended way. */
static bool looks_secret(const char *entry, char *name, size_t size)
{
	const char *eq = strchr(entry, '=');
	if (!eq || eq[1] == '\0' || (size_t)(eq - entry) >= size)
		return false;
	size_t n = (size_t)(eq - entry);
	for (size_t i = 0; i < n; i++)
		name[i] = (char)toupper((unsigned char)entry[i]);
	name[n] = '\0';
	if (n > 5 && (strcmp(name + n - 5, "_FILE") == 0 || strcmp(name + n - 5, "_PATH") == 0))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(secret_words); i++)
		if (strstr(name, secret_words[i]))
			return true;
	return false;
}

static void check_environment(struct check_ctx *c)
{
	char *const *env = c->s->has_process ? c->s->process.env : NULL;
	for (size_t i = 0; env && env[i]; i++) {
		char name[256], path[64];
		if (!looks_secret(env[i], name, sizeof(name)))
			continue;
		snprintf(path, sizeof(path), ".process.env[%zu]", i);
		/* the name as written, never the value */
		check_add(c, R_SECRET_ENV, SPEC_SEV_MEDIUM, path,
			  "'%.*s' has a value and its name says it is a secret: every process "
			  "that can read /proc/PID/environ, and `docker inspect`, sees it",
			  (int)(strchr(env[i], '=') - env[i]), env[i]);
	}
}

/* ---- seccomp ---- */

static bool allows(enum spec_seccomp_action a)
{
	return a == SPEC_SCMP_ALLOW || a == SPEC_SCMP_LOG;
}

enum effect {
	EFF_ALLOWED,
	EFF_CONDITIONAL, /* only some arguments are allowed */
	EFF_DENIED,
	EFF_AGENT, /* SCMP_ACT_NOTIFY: the seccomp agent decides */
};

/* What the filter does for `name`, as libseccomp builds it: the first rule
 * without arguments decides; rules with arguments restrict; otherwise the
 * default action. *ret_rule: the deciding rule's index, SIZE_MAX for the
 * default. */
static enum effect syscall_effect(const struct spec_seccomp *f, const char *name, size_t *ret_rule)
{
	bool conditional = false;
	*ret_rule = SIZE_MAX;
	for (size_t i = 0; i < f->n_syscalls; i++) {
		const struct spec_seccomp_syscall *r = &f->syscalls[i];
		bool named = false;
		for (size_t j = 0; r->names[j] && !named; j++)
			named = strcmp(r->names[j], name) == 0;
		if (!named)
			continue;
		if (r->n_args) {
			conditional |= allows(r->action);
			continue;
		}
		*ret_rule = i;
		return r->action == SPEC_SCMP_NOTIFY ? EFF_AGENT
		       : allows(r->action)	     ? EFF_ALLOWED
						     : EFF_DENIED;
	}
	if (allows(f->default_action))
		return EFF_ALLOWED;
	return conditional ? EFF_CONDITIONAL : EFF_DENIED;
}

/* Docker's default profile refuses these without the capability that makes
 * them safe (and brig's default keeps them refused). */
static const char *const dangerous_syscalls[] = {
    "acct",	     "add_key",		"bpf",	       "clock_settime", "create_module",
    "delete_module", "finit_module",	"fsconfig",    "fsmount",	"fsopen",
    "fspick",	     "get_kernel_syms", "init_module", "ioperm",	"iopl",
    "kcmp",	     "kexec_file_load", "kexec_load",  "keyctl",	"lookup_dcookie",
    "mount",	     "mount_setattr",	"move_mount",  "nfsservctl",	"open_by_handle_at",
    "open_tree",     "perf_event_open", "pivot_root",  "query_module",	"quotactl",
    "reboot",	     "request_key",	"setns",       "settimeofday",	"stime",
    "swapoff",	     "swapon",		"_sysctl",     "syslog",	"umount",
    "umount2",	     "unshare",		"uselib",      "userfaultfd",	"ustat",
    "vm86",	     "vm86old",
};

static const char *const essential_syscalls[] = {
    "execve", "exit_group", "read", "write", "brk", "mmap", "rt_sigreturn",
};

static void append(char *buf, size_t size, const char *name)
{
	size_t len = strlen(buf);
	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", name);
}

/* One finding per rule that allows dangerous calls, and one for those the
 * default action allows (unless the filter is unconfined anyway). */
static void check_dangerous(struct check_ctx *c, bool unconfined)
{
	const struct spec_seccomp *f = &c->s->linux.seccomp;
	for (size_t rule = 0; rule <= f->n_syscalls; rule++) {
		char names[1024] = "";
		for (size_t i = 0; i < ARRAY_SIZE(dangerous_syscalls); i++) {
			size_t by;
			if (syscall_effect(f, dangerous_syscalls[i], &by) == EFF_ALLOWED &&
			    (by == rule || (by == SIZE_MAX && rule == f->n_syscalls)))
				append(names, sizeof(names), dangerous_syscalls[i]);
		}
		if (!names[0])
			continue;
		if (rule == f->n_syscalls && !unconfined)
			check_add(c, R_SECCOMP_DANGEROUS, SPEC_SEV_HIGH,
				  ".linux.seccomp.defaultAction", "allows by default: %s", names);
		else if (rule < f->n_syscalls) {
			char path[64];
			snprintf(path, sizeof(path), ".linux.seccomp.syscalls[%zu]", rule);
			check_add(c, R_SECCOMP_DANGEROUS, SPEC_SEV_HIGH, path, "allows %s", names);
		}
	}
}

static void check_essential(struct check_ctx *c)
{
	const struct spec_seccomp *f = &c->s->linux.seccomp;
	char names[512] = "";
	size_t by;
	if (syscall_effect(f, "execve", &by) == EFF_DENIED) {
		check_add(c, R_SECCOMP_DENIES_ALL, SPEC_SEV_HIGH, ".linux.seccomp",
			  "denies execve: the container process could not even start");
		return;
	}
	for (size_t i = 1; i < ARRAY_SIZE(essential_syscalls); i++)
		if (syscall_effect(f, essential_syscalls[i], &by) == EFF_DENIED)
			append(names, sizeof(names), essential_syscalls[i]);
	if (names[0])
		check_add(c, R_SECCOMP_DENIES_ALL, SPEC_SEV_MEDIUM, ".linux.seccomp",
			  "denies %s, which nearly every program needs", names);
}

static void check_seccomp(struct check_ctx *c)
{
	const struct spec_seccomp *f = &c->s->linux.seccomp;
	if (!f->present) {
		check_add(c, R_NO_SECCOMP, SPEC_SEV_HIGH, ".linux.seccomp",
			  "absent: every syscall of the kernel is reachable");
		return;
	}
	bool unconfined = false;
	if (allows(f->default_action)) {
		size_t denies = 0;
		for (size_t i = 0; i < f->n_syscalls; i++)
			denies += !allows(f->syscalls[i].action);
		unconfined = denies == 0;
		if (unconfined)
			check_add(c, R_SECCOMP_UNCONFINED, SPEC_SEV_HIGH,
				  ".linux.seccomp.defaultAction",
				  "%s and no rule denies anything: the filter confines nothing",
				  spec_seccomp_action_name(f->default_action));
		else
			check_add(c, R_SECCOMP_UNCONFINED, SPEC_SEV_MEDIUM,
				  ".linux.seccomp.defaultAction",
				  "%s: a deny-list; every syscall it does not name, new ones "
				  "included, is allowed",
				  spec_seccomp_action_name(f->default_action));
	}
	check_dangerous(c, unconfined);
	check_essential(c);
}

static void check_root(struct check_ctx *c)
{
	if (!c->s->root.readonly)
		check_add(c, R_WRITABLE_ROOT, SPEC_SEV_LOW, ".root.readonly",
			  "false: the program can change its own binaries and libraries");
}

void spec_check(const struct spec *s, const struct spec_check_host *host, struct spec_finding **ret,
		size_t *ret_n)
{
	struct check_ctx c = {.s = s, .host = host};
	check_user(&c);
	check_caps(&c);
	check_process(&c);
	check_root(&c);
	check_seccomp(&c);
	check_resources(&c);
	check_namespaces(&c);
	check_mounts(&c);
	check_devices(&c);
	check_paths(&c);
	check_environment(&c);
	*ret = c.v;
	*ret_n = c.n;
}

void spec_findings_free(struct spec_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].message);
	}
	free(f);
}

size_t spec_findings_count(const struct spec_finding *f, size_t n, enum spec_severity min)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += f[i].severity >= min && f[i].severity > SPEC_SEV_INFO;
	return count;
}
