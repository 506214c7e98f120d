// SPDX-License-Identifier: Apache-2.0
/* cgroups_device_program: device rules -> BPF_PROG_TYPE_CGROUP_DEVICE instructions. The
 * kernel's BPF_PROG_TEST_RUN does not run cgroup device programs, so this file carries a
 * small interpreter of the instructions the generator emits, plus the structural checks
 * of the verifier that matter here (every instruction reachable, jumps forward and inside
 * the program, registers written before they are read, r0 set at exit). */
#include "cgroups/cgroups.h"

#include <check.h>

Suite *test_suite(void);

#define ANY (-1)
#define MKNOD BPF_DEVCG_ACC_MKNOD
#define READ BPF_DEVCG_ACC_READ
#define WRITE BPF_DEVCG_ACC_WRITE
#define CHR BPF_DEVCG_DEV_CHAR
#define BLK BPF_DEVCG_DEV_BLOCK

struct access {
	int type; /* CHR or BLK */
	int acc;  /* MKNOD|READ|WRITE bits */
	uint32_t major, minor;
};

/* Runs the program on one access. Returns the verdict (0/1), or -1 with `why` set when the
 * program does something the generator must never emit. */
static int run(const struct bpf_insn *p, size_t n, const struct access *a, const char **why)
{
	struct bpf_cgroup_dev_ctx ctx = {((uint32_t)a->acc << 16) | (uint32_t)a->type, a->major,
					 a->minor};
	uint64_t r[11] = {0};
	bool init[11] = {false};
	bool is_ctx[11] = {false};
	init[1] = is_ctx[1] = true;
	for (size_t pc = 0, steps = 0; steps < 4096; steps++) {
		if (pc >= n)
			return *why = "fell off the end", -1;
		const struct bpf_insn *i = &p[pc++];
		uint8_t d = i->dst_reg, s = i->src_reg;
		if (d > 10 || s > 10)
			return *why = "bad register", -1;
		bool src_reg = BPF_SRC(i->code) == BPF_X;
		uint64_t src = src_reg ? r[s] : (uint64_t)(int64_t)i->imm;
		if (src_reg && (!init[s] || is_ctx[s]) && BPF_CLASS(i->code) != BPF_LDX)
			return *why = "reads an unset or pointer register", -1;
		switch (BPF_CLASS(i->code)) {
		case BPF_LDX:
			if (BPF_MODE(i->code) != BPF_MEM || BPF_SIZE(i->code) != BPF_W ||
			    !is_ctx[s] || i->off < 0 || i->off > 8 || i->off % 4)
				return *why = "bad load", -1;
			uint32_t v;
			memcpy(&v, (const char *)&ctx + i->off, 4);
			r[d] = v;
			init[d] = true;
			is_ctx[d] = false;
			continue;
		case BPF_ALU:
		case BPF_ALU64: {
			bool alu32 = BPF_CLASS(i->code) == BPF_ALU;
			if (BPF_OP(i->code) != BPF_MOV && (!init[d] || is_ctx[d]))
				return *why = "ALU on an unset register", -1;
			uint64_t res;
			switch (BPF_OP(i->code)) {
			case BPF_MOV:
				res = src;
				break;
			case BPF_AND:
				res = r[d] & src;
				break;
			case BPF_RSH:
				res = alu32 ? (uint32_t)r[d] >> (src & 31) : r[d] >> (src & 63);
				break;
			default:
				return *why = "unexpected ALU op", -1;
			}
			r[d] = alu32 ? (uint32_t)res : res;
			init[d] = true;
			is_ctx[d] = false;
			continue;
		}
		case BPF_JMP:
			break;
		default:
			return *why = "unexpected instruction class", -1;
		}
		if (BPF_OP(i->code) == BPF_EXIT) {
			if (!init[0] || r[0] > 1)
				return *why = "exit without a 0/1 verdict in r0", -1;
			return (int)r[0];
		}
		if (i->off < 0 || pc + (size_t)i->off > n)
			return *why = "jump backwards or out of the program", -1;
		if (BPF_OP(i->code) != BPF_JA && (!init[d] || is_ctx[d]))
			return *why = "compares an unset register", -1;
		bool taken = BPF_OP(i->code) == BPF_JA	  ? true
			     : BPF_OP(i->code) == BPF_JNE ? r[d] != src
			     : BPF_OP(i->code) == BPF_JEQ ? r[d] == src
							  : (*why = "unexpected jump", false);
		if (*why)
			return -1;
		if (taken)
			pc += (size_t)i->off;
	}
	return *why = "does not terminate", -1;
}

/* The verifier refuses a program with unreachable instructions. */
static void check_reachable(const struct bpf_insn *p, size_t n)
{
	bool seen[4096] = {false};
	size_t stack[4096], top = 0;
	ck_assert_uint_lt(n, 4096);
	stack[top++] = 0;
	while (top) {
		size_t pc = stack[--top];
		if (pc >= n || seen[pc])
			continue;
		seen[pc] = true;
		uint8_t code = p[pc].code;
		if (BPF_CLASS(code) == BPF_JMP && BPF_OP(code) == BPF_EXIT)
			continue;
		if (BPF_CLASS(code) == BPF_JMP)
			stack[top++] = pc + 1 + (size_t)p[pc].off;
		if (!(BPF_CLASS(code) == BPF_JMP && BPF_OP(code) == BPF_JA))
			stack[top++] = pc + 1;
	}
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(seen[i], "instruction %zu is unreachable", i);
	uint8_t last = p[n - 1].code;
	ck_assert_msg(BPF_CLASS(last) == BPF_JMP && BPF_OP(last) == BPF_EXIT,
		      "the program does not end with exit");
}

/* What runc's rules mean: the last rule matching the device (type, numbers) with the
 * request a subset of its access decides; none: deny. */
static int reference(const struct spec_device_rule *rules, size_t n, const struct access *a)
{
	int verdict = 0;
	for (size_t i = 0; i < n; i++) {
		const struct spec_device_rule *r = &rules[i];
		int acc = 0;
		for (const char *c = r->access; *c; c++)
			acc |= *c == 'm' ? MKNOD : *c == 'r' ? READ : WRITE;
		if (!*r->access)
			acc = MKNOD | READ | WRITE;
		if (r->type != 'a' && (r->type == 'c' ? CHR : BLK) != a->type)
			continue;
		if ((r->major != ANY && (uint32_t)r->major != a->major) ||
		    (r->minor != ANY && (uint32_t)r->minor != a->minor) || (a->acc & ~acc))
			continue;
		verdict = r->allow;
	}
	return verdict;
}

struct program {
	struct bpf_insn *insns;
	size_t n;
};

static struct program compile(const struct spec_device_rule *rules, size_t n)
{
	struct program p;
	struct brig_error err = {0};
	ck_assert_msg(cgroups_device_program(rules, n, &p.insns, &p.n, &err) == 0, "%s", err.msg);
	check_reachable(p.insns, p.n);
	return p;
}

static int decide(const struct program *p, int type, int acc, uint32_t major, uint32_t minor)
{
	struct access a = {type, acc, major, minor};
	const char *why = NULL;
	int v = run(p->insns, p->n, &a, &why);
	ck_assert_msg(v >= 0, "program fault: %s", why ? why : "?");
	return v;
}

START_TEST(test_no_rules_denies)
{
	struct program p = compile(NULL, 0);
	ck_assert_uint_eq(p.n, 8); /* prologue, r0 = 0, exit */
	ck_assert_int_eq(decide(&p, CHR, READ, 1, 3), 0);
	ck_assert_int_eq(decide(&p, BLK, MKNOD, 8, 0), 0);
	free(p.insns);
}
END_TEST

START_TEST(test_all_or_nothing)
{
	struct spec_device_rule deny = {false, 'a', ANY, ANY, "rwm"};
	struct spec_device_rule allow = {true, 'a', ANY, ANY, ""};
	struct program p = compile(&deny, 1);
	/* the block that matches everything ends the program: no unreachable default */
	ck_assert_uint_eq(p.n, 8);
	ck_assert_int_eq(decide(&p, CHR, READ | WRITE, 1, 3), 0);
	free(p.insns);
	p = compile(&allow, 1);
	ck_assert_int_eq(decide(&p, CHR, READ | WRITE, 1, 3), 1);
	ck_assert_int_eq(decide(&p, BLK, MKNOD | READ | WRITE, 259, 0), 1);
	free(p.insns);
	/* rules before an allow-all cannot decide anything and are not emitted */
	struct spec_device_rule two[] = {{false, 'c', 1, 3, "rwm"}, {true, 'a', ANY, ANY, "rwm"}};
	p = compile(two, 2);
	ck_assert_uint_eq(p.n, 8);
	ck_assert_int_eq(decide(&p, CHR, READ, 1, 3), 1);
	free(p.insns);
}
END_TEST

START_TEST(test_last_match_wins)
{
	struct spec_device_rule rules[] = {
	    {false, 'a', ANY, ANY, "rwm"},
	    {true, 'c', 1, 3, "rwm"},
	    {false, 'c', 1, 3, "w"},
	};
	struct program p = compile(rules, 3);
	ck_assert_int_eq(decide(&p, CHR, READ, 1, 3), 1);
	ck_assert_int_eq(decide(&p, CHR, WRITE, 1, 3), 0);
	/* runc's semantics: a rule matches a request that is a subset of its access, so
	 * the "w" deny does not match an "rw" open and the earlier allow decides */
	ck_assert_int_eq(decide(&p, CHR, READ | WRITE, 1, 3), 1);
	ck_assert_int_eq(decide(&p, CHR, READ, 1, 5), 0);
	ck_assert_int_eq(decide(&p, BLK, READ, 1, 3), 0);
	free(p.insns);
}
END_TEST

START_TEST(test_match_fields)
{
	struct spec_device_rule rules[] = {
	    {true, 'b', 8, ANY, "rwm"}, /* every sdX */
	    {true, 'c', ANY, 5, "r"},	/* minor 5 of any char major */
	    {true, 'a', 1, 3, "rw"},	/* both types */
	};
	struct program p = compile(rules, 3);
	ck_assert_int_eq(decide(&p, BLK, READ | WRITE, 8, 0), 1);
	ck_assert_int_eq(decide(&p, BLK, MKNOD, 8, 17), 1);
	ck_assert_int_eq(decide(&p, CHR, READ, 8, 0), 0);
	ck_assert_int_eq(decide(&p, CHR, READ, 4, 5), 1);
	ck_assert_int_eq(decide(&p, CHR, WRITE, 4, 5), 0);
	ck_assert_int_eq(decide(&p, BLK, READ, 4, 5), 0);
	ck_assert_int_eq(decide(&p, CHR, READ | WRITE, 1, 3), 1);
	ck_assert_int_eq(decide(&p, BLK, READ, 1, 3), 1);
	ck_assert_int_eq(decide(&p, CHR, MKNOD, 1, 3), 0);
	ck_assert_int_eq(decide(&p, CHR, READ | WRITE | MKNOD, 1, 3), 0);
	free(p.insns);
}
END_TEST

/* The usual container: deny all, then brig's (runc's) defaults. */
START_TEST(test_defaults_table)
{
	size_t nd;
	const struct spec_device_rule *d = cgroups_default_device_rules(&nd);
	ck_assert_uint_eq(nd, 11);
	struct spec_device_rule rules[16] = {{false, 'a', ANY, ANY, "rwm"}};
	memcpy(rules + 1, d, nd * sizeof(*d));
	struct program p = compile(rules, 1 + nd);
	static const struct {
		int type, acc;
		uint32_t major, minor;
		int want;
		const char *what;
	} table[] = {
	    {CHR, READ | WRITE, 1, 3, 1, "/dev/null"},
	    {CHR, READ, 1, 5, 1, "/dev/zero"},
	    {CHR, READ, 1, 8, 1, "/dev/random"},
	    {CHR, READ, 1, 9, 1, "/dev/urandom"},
	    {CHR, WRITE, 1, 7, 1, "/dev/full"},
	    {CHR, READ | WRITE, 5, 0, 1, "/dev/tty"},
	    {CHR, READ | WRITE, 5, 2, 1, "/dev/ptmx"},
	    {CHR, READ | WRITE, 136, 7, 1, "/dev/pts/7"},
	    {CHR, READ | WRITE, 10, 200, 1, "/dev/net/tun"},
	    {CHR, MKNOD, 1, 1, 1, "mknod /dev/mem"},
	    {BLK, MKNOD, 8, 0, 1, "mknod /dev/sda"},
	    {CHR, READ, 1, 1, 0, "/dev/mem"},
	    {CHR, READ | WRITE, 10, 229, 0, "/dev/fuse"},
	    {BLK, READ, 8, 0, 0, "/dev/sda"},
	    {CHR, READ | MKNOD, 1, 3, 1, "/dev/null rm"},
	    {CHR, READ, 5, 1, 0, "/dev/console (host)"},
	    {CHR, READ, 4, 0, 0, "/dev/tty0"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		ck_assert_msg(decide(&p, table[i].type, table[i].acc, table[i].major,
				     table[i].minor) == table[i].want,
			      "%s: want %d", table[i].what, table[i].want);
	free(p.insns);
}
END_TEST

/* Random rule lists against the reference, over a grid of accesses. */
START_TEST(test_random_against_reference)
{
	uint32_t seed = 12345;
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
	static const char *const accs[] = {"", "r", "w", "m", "rw", "rm", "wm", "rwm"};
	for (int round = 0; round < 300; round++) {
		struct spec_device_rule rules[12];
		size_t n = RND() % 12;
		for (size_t i = 0; i < n; i++) {
			rules[i] = (struct spec_device_rule){
			    .allow = RND() & 1,
			    .type = "acb"[RND() % 3],
			    .major = RND() % 3 == 0 ? ANY : (int64_t)(RND() % 3),
			    .minor = RND() % 3 == 0 ? ANY : (int64_t)(RND() % 3),
			};
			strcpy(rules[i].access, accs[RND() % 8]);
		}
		struct program p = compile(rules, n);
		for (int type = 1; type <= 2; type++)
			for (int acc = 1; acc < 8; acc++)
				for (uint32_t ma = 0; ma < 4; ma++)
					for (uint32_t mi = 0; mi < 4; mi++) {
						struct access a = {type, acc, ma, mi};
						ck_assert_msg(decide(&p, type, acc, ma, mi) ==
								  reference(rules, n, &a),
							      "round %d: type %d acc %d %u:%u",
							      round, type, acc, ma, mi);
					}
		free(p.insns);
	}
#undef RND
}
END_TEST

START_TEST(test_interpreter_catches_faults)
{
	/* the checks above could fail: a program that reads an unset register, one that
	 * exits without a verdict, and one that jumps out */
	const struct bpf_insn unset[] = {
	    {.code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = 7, .off = 0, .imm = 1},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	const struct bpf_insn noverdict[] = {{.code = BPF_JMP | BPF_EXIT}};
	const struct bpf_insn out[] = {{.code = BPF_JMP | BPF_JA, .off = 5},
				       {.code = BPF_JMP | BPF_EXIT}};
	struct access a = {CHR, READ, 1, 3};
	const char *why = NULL;
	ck_assert_int_eq(run(unset, 2, &a, &why), -1);
	ck_assert_str_eq(why, "compares an unset register");
	why = NULL;
	ck_assert_int_eq(run(noverdict, 1, &a, &why), -1);
	ck_assert_str_eq(why, "exit without a 0/1 verdict in r0");
	why = NULL;
	ck_assert_int_eq(run(out, 2, &a, &why), -1);
	ck_assert_str_eq(why, "jump backwards or out of the program");
}
END_TEST

static const struct {
	struct spec_device_rule rule;
	const char *msg;
} bad_rules[] = {
    {{true, 'x', ANY, ANY, "rwm"}, "[0].type: must be a, c or b"},
    {{true, 'c', -2, ANY, "rwm"}, "[0].major: -2 is out of range"},
    {{true, 'c', 1, (int64_t)INT32_MAX + 1, "rwm"}, "[0].minor: 2147483648 is out of range"},
    {{true, 'c', 1, 3, "rx"}, "[0].access: \"rx\" is not a combination of r, w, m"},
};

START_TEST(test_bad_rules)
{
	struct bpf_insn *p = NULL;
	size_t n = 0;
	struct brig_error err = {0};
	ck_assert_int_eq(cgroups_device_program(&bad_rules[_i].rule, 1, &p, &n, &err), -1);
	ck_assert_str_eq(err.msg, bad_rules[_i].msg);
	ck_assert_ptr_null(p);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("cgroups_devices");
	TCase *tc = tcase_create("program");
	tcase_add_test(tc, test_no_rules_denies);
	tcase_add_test(tc, test_all_or_nothing);
	tcase_add_test(tc, test_last_match_wins);
	tcase_add_test(tc, test_match_fields);
	tcase_add_test(tc, test_defaults_table);
	tcase_add_test(tc, test_random_against_reference);
	tcase_add_test(tc, test_interpreter_catches_faults);
	tcase_add_loop_test(tc, test_bad_rules, 0, (int)ARRAY_SIZE(bad_rules));
	suite_add_tcase(s, tc);
	return s;
}
