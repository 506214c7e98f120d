// SPDX-License-Identifier: Apache-2.0
/* linux.resources.devices. cgroup v2 has no devices files: access is decided by a
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup, which brig generates here
 * as runc's devicefilter and crun's ebpf.c do. On a hybrid host whose devices controller
 * is on v1 the same rules also become devices.allow/devices.deny writes. Pure: the bpf(2)
 * calls are in bpf.c. */
#include "cgroups/internal.h"

#include <stddef.h>

#define ANY (-1)

/* runc's specconv.AllowedDevices, appended after the config's rules (so they always win,
 * the last match deciding): mknod of anything, and the devices runtime-spec gives every
 * container plus /dev/net/tun, which runc keeps for compatibility. */
static const struct spec_device_rule default_rules[] = {
    {true, 'c', ANY, ANY, "m"}, {true, 'b', ANY, ANY, "m"},  {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 8, "rwm"},	{true, 'c', 1, 7, "rwm"},    {true, 'c', 5, 0, "rwm"},
    {true, 'c', 1, 5, "rwm"},	{true, 'c', 1, 9, "rwm"},    {true, 'c', 136, ANY, "rwm"},
    {true, 'c', 5, 2, "rwm"},	{true, 'c', 10, 200, "rwm"},
};

const struct spec_device_rule *cgroups_default_device_rules(size_t *ret_n)
{
	*ret_n = ARRAY_SIZE(default_rules);
	return default_rules;
}

/* "" means all of "rwm". */
static int access_mask(const char *access)
{
	int mask = 0;
	for (const char *p = access; *p; p++)
		mask |= *p == 'm'   ? BPF_DEVCG_ACC_MKNOD
			: *p == 'r' ? BPF_DEVCG_ACC_READ
			: *p == 'w' ? BPF_DEVCG_ACC_WRITE
				    : 0x100;
	return *access ? mask : 7;
}

static int rule_check(const struct spec_device_rule *r, size_t i, struct brig_error *err)
{
	if (r->type != 'a' && r->type != 'c' && r->type != 'b')
		return err_set(err, EINVAL, "[%zu].type: must be a, c or b", i);
	if (r->major < ANY || r->major > INT32_MAX)
		return err_set(err, EINVAL, "[%zu].major: %lld is out of range", i,
			       (long long)r->major);
	if (r->minor < ANY || r->minor > INT32_MAX)
		return err_set(err, EINVAL, "[%zu].minor: %lld is out of range", i,
			       (long long)r->minor);
	if (access_mask(r->access) & ~7)
		return err_set(err, EINVAL, "[%zu].access: \"%s\" is not a combination of r, w, m",
			       i, r->access);
	return 0;
}

static bool matches_everything(const struct spec_device_rule *r)
{
	return r->type == 'a' && r->major == ANY && r->minor == ANY && access_mask(r->access) == 7;
}

#define INSN(c_, d_, s_, o_, i_)                                                                   \
	((struct bpf_insn){                                                                        \
	    .code = (c_), .dst_reg = (d_), .src_reg = (s_), .off = (o_), .imm = (i_)})

/* r2 = device type, r3 = requested access, r4 = major, r5 = minor (ctx is r1). */
static const struct bpf_insn prologue[] = {
    INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0),
    INSN(BPF_ALU | BPF_MOV | BPF_X, 3, 2, 0, 0),
    INSN(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff),
    INSN(BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16),
    INSN(BPF_LDX | BPF_MEM | BPF_W, 4, 1, offsetof(struct bpf_cgroup_dev_ctx, major), 0),
    INSN(BPF_LDX | BPF_MEM | BPF_W, 5, 1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0),
};

/* One rule: each test that fails jumps to the next block; falling through all of them
 * returns the rule's verdict. The access test is "the request is a subset of the rule's
 * access", as runc's. Returns the block's length (at most 8). */
static size_t rule_block(const struct spec_device_rule *r, struct bpf_insn *out)
{
	size_t n = 0, jumps[4], n_jumps = 0;
	int mask = access_mask(r->access);
	if (r->type != 'a') {
		int t = r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;
		jumps[n_jumps++] = n;
		out[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0, t);
	}
	if (mask != 7) {
		out[n++] = INSN(BPF_ALU | BPF_MOV | BPF_X, 1, 3, 0, 0);
		out[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, 1, 0, 0, mask);
		jumps[n_jumps++] = n;
		out[n++] = INSN(BPF_JMP | BPF_JNE | BPF_X, 1, 3, 0, 0);
	}
	if (r->major != ANY) {
		jumps[n_jumps++] = n;
		out[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, (int32_t)r->major);
	}
	if (r->minor != ANY) {
		jumps[n_jumps++] = n;
		out[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, (int32_t)r->minor);
	}
	out[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0);
	out[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t j = 0; j < n_jumps; j++)
		out[jumps[j]].off = (int16_t)(n - jumps[j] - 1);
	return n;
}

int cgroups_device_program(const struct spec_device_rule *rules, size_t n, struct bpf_insn **ret,
			   size_t *ret_n, struct brig_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (rule_check(&rules[i], i, err) < 0)
			return -1;
	struct bpf_insn *p = xcalloc(ARRAY_SIZE(prologue) + 8 * n + 2, sizeof(*p));
	size_t len = ARRAY_SIZE(prologue);
	memcpy(p, prologue, sizeof(prologue));
	/* The last matching rule decides, so the blocks go in reverse: the first block that
	 * matches is the last rule. A rule matching everything ends the program there: the
	 * rules before it can never decide, and the verifier refuses unreachable code. */
	bool complete = false;
	for (size_t i = n; i-- > 0 && !complete;) {
		len += rule_block(&rules[i], p + len);
		complete = matches_everything(&rules[i]);
	}
	if (!complete) {
		p[len++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0); /* default: deny */
		p[len++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	*ret = p;
	*ret_n = len;
	return 0;
}

/* "c 1:3 rwm", '*' for any number. */
static void rule_line(char buf[static 64], char type, const struct spec_device_rule *r)
{
	char major[16] = "*", minor[16] = "*";
	if (r->major != ANY)
		snprintf(major, sizeof(major), "%lld", (long long)r->major);
	if (r->minor != ANY)
		snprintf(minor, sizeof(minor), "%lld", (long long)r->minor);
	snprintf(buf, 64, "%c %s:%s %s", type, major, minor, *r->access ? r->access : "rwm");
}

/* v1 keeps a default (allow or deny all) and a list of exceptions. The last rule matching
 * everything sets the default and makes every earlier rule moot; with none the default is
 * deny, as in the BPF program. Each later rule then becomes one write, in order: an allow
 * adds an exception to deny-all (or removes one from allow-all), a deny the reverse.
 * Type "a" with a number stands for both "c" and "b": in devices.allow a bare "a" would
 * reset the whole list. A deny narrower than an earlier allow cannot be expressed in v1's
 * whitelist; the BPF program, which also runs on hybrid hosts, still enforces it. */
void plan_devices_v1(struct plan_ctx *c, const struct spec_device_rule *rules, size_t n)
{
	size_t start = 0;
	bool allow_all = false;
	for (size_t i = n; i-- > 0;)
		if (matches_everything(&rules[i])) {
			start = i + 1;
			allow_all = rules[i].allow;
			break;
		}
	plan_add(c, "devices", "linux.resources.devices", 0,
		 allow_all ? "devices.allow" : "devices.deny", "a");
	for (size_t i = start; i < n; i++) {
		const struct spec_device_rule *r = &rules[i];
		const char *types = r->type == 'a' ? "cb" : (char[]){r->type, '\0'};
		for (const char *t = types; *t; t++) {
			char line[64];
			rule_line(line, *t, r);
			plan_add(c, "devices", "linux.resources.devices", 0,
				 r->allow ? "devices.allow" : "devices.deny", "%s", line);
		}
	}
}
