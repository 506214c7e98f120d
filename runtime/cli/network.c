// SPDX-License-Identifier: Apache-2.0
/* `brig network create|ls|inspect|rm`: brig's own internal networks, Linux
 * bridges with no uplink (docs/networking.md). */
#include "netlink/netlink.h"
#include "runtime/cli/cli.h"

#include <getopt.h>

#define NETWORK_USAGE                                                                              \
	"usage: brig network create NAME --subnet CIDR [--internal | --host-reachable]\n"          \
	"                           [--no-icc] [--mtu N]\n"                                        \
	"       brig network ls [--quiet|-q]\n"                                                    \
	"       brig network inspect NAME\n"                                                       \
	"       brig network rm NAME\n"

struct create_args {
	const char *name;
	const char *subnet;
	struct spec_network n;
};

static int parse_create(int argc, char **argv, struct create_args *a, struct brig_error *err)
{
	static const struct option longopts[] = {{"subnet", required_argument, NULL, 's'},
						 {"internal", no_argument, NULL, 'i'},
						 {"host-reachable", no_argument, NULL, 'H'},
						 {"no-icc", no_argument, NULL, 'n'},
						 {"mtu", required_argument, NULL, 'm'},
						 {"help", no_argument, NULL, 'h'},
						 {0}};
	int c, modes = 0;
	int64_t mtu;
	a->n.icc = true;
	optind = 0; /* 0: getopt re-reads its mode (permuting) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			a->subnet = optarg;
			break;
		case 'i':
		case 'H':
			modes |= c == 'i' ? 1 : 2;
			a->n.mode = c == 'i' ? SPEC_NET_INTERNAL : SPEC_NET_HOST_REACHABLE;
			break;
		case 'n':
			a->n.icc = false;
			break;
		case 'm':
			if (parse_int64(optarg, 68, 65535, &mtu) < 0)
				return err_set(err, EINVAL, "--mtu: want 68..65535, not '%s'",
					       optarg);
			a->n.mtu = (uint32_t)mtu;
			break;
		case 'h':
			return fputs(NETWORK_USAGE, stdout), 1;
		default:
			return err_set(err, EINVAL,
				       "create: bad option '%s' (see brig network --help)",
				       argv[optind - 1]);
		}
	}
	if (modes == 3)
		return err_set(err, EINVAL,
			       "create: --internal and --host-reachable exclude each other");
	if (optind + 1 != argc)
		return err_set(err, EINVAL, "create: want one NAME (see brig network --help)");
	a->name = argv[optind];
	if (!a->subnet)
		return err_set(err, EINVAL, "create: --subnet CIDR is required");
	return 0;
}

static int net_create(int argc, char **argv, struct brig_error *err)
{
	struct create_args a = {0};
	int r = parse_create(argc, argv, &a, err);
	if (r != 0)
		return r > 0 ? 0 : -1;
	a.n.name = xstrdup(a.name);
	if (spec_cidr_parse(a.subnet, &a.n.subnet, err) < 0)
		r = -1;
	else
		r = network_create(&a.n, err);
	spec_network_clear(&a.n);
	return r;
}

static void print_row(int dir_fd, const struct spec_network *n)
{
	struct spec_lease *v;
	size_t nv;
	struct brig_error ignored;
	char net[16], cidr[24];
	if (netstore_leases(dir_fd, n->name, &v, &nv, &ignored) < 0)
		v = NULL, nv = 0;
	spec_ipv4_format(n->subnet.addr, net);
	snprintf(cidr, sizeof(cidr), "%s/%u", net, n->subnet.prefix);
	printf("%-20s %-18s %-15s %-4s %-5u %-15s %zu\n", n->name, cidr,
	       n->mode == SPEC_NET_HOST_REACHABLE ? "host-reachable" : "internal",
	       n->icc ? "yes" : "no", n->mtu, n->bridge, nv);
	spec_leases_free(v, nv);
}

static int net_ls(int argc, char **argv, struct brig_error *err)
{
	bool quiet = argc > 1 && (!strcmp(argv[1], "-q") || !strcmp(argv[1], "--quiet"));
	if (argc > (quiet ? 2 : 1))
		return err_set(err, EINVAL, "ls: unexpected argument '%s'", argv[quiet ? 2 : 1]);
	struct netstore st;
	if (netstore_open(network_dir(), false, &st, err) < 0)
		return err->errnum == ENOENT ? (quiet ? 0 : (printf("NAME\n"), 0)) : -1;
	_cleanup_strv_ char **names = NULL;
	int r = netstore_list(st.dir_fd, &names, err);
	if (r == 0 && !quiet)
		printf("%-20s %-18s %-15s %-4s %-5s %-15s %s\n", "NAME", "SUBNET", "MODE", "ICC",
		       "MTU", "BRIDGE", "CONTAINERS");
	for (char **p = names; r == 0 && *p; p++) {
		struct spec_network n = {0};
		if (quiet) {
			printf("%s\n", *p);
		} else if (netstore_load(st.dir_fd, *p, &n, err) == 0) {
			print_row(st.dir_fd, &n);
			spec_network_clear(&n);
		}
	}
	netstore_close(&st);
	return r;
}

static int one_name(const char *verb, int argc, char **argv, struct brig_error *err)
{
	if (argc != 2)
		return err_set(err, EINVAL, "%s: want one NAME (see brig network --help)", verb);
	return spec_network_name_validate(argv[1], err);
}

static int net_inspect(int argc, char **argv, struct brig_error *err)
{
	if (one_name("inspect", argc, argv, err) < 0)
		return -1;
	struct netstore st;
	if (netstore_open(network_dir(), false, &st, err) < 0)
		return err->errnum == ENOENT
			   ? err_set(err, ENOENT, "network '%s' does not exist", argv[1])
			   : -1;
	struct spec_network n = {0};
	struct spec_lease *v = NULL;
	size_t nv = 0;
	int r = netstore_load(st.dir_fd, argv[1], &n, err);
	if (r == 0 && (r = netstore_leases(st.dir_fd, n.name, &v, &nv, err)) == 0) {
		_cleanup_free_ char *text = spec_network_format_inspect(&n, v, nv);
		printf("%s\n", text);
	}
	spec_network_clear(&n);
	spec_leases_free(v, nv);
	netstore_close(&st);
	return r;
}

static int net_rm(int argc, char **argv, struct brig_error *err)
{
	if (argc != 2)
		return err_set(err, EINVAL, "rm: want one NAME (see brig network --help)");
	return network_remove(argv[1], err);
}

int verb_network(const struct global_opts *g, int argc, char **argv, struct brig_error *err)
{
	(void)g; /* networks are the host's, not one --root's */
	if (argc < 2)
		return err_set(err, EINVAL, "missing subcommand (create, ls, inspect, rm)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return fputs(NETWORK_USAGE, stdout), 0;
	const char *sub = argv[1];
	if (!strcmp(sub, "create"))
		return net_create(argc - 1, argv + 1, err);
	if (!strcmp(sub, "ls") || !strcmp(sub, "list"))
		return net_ls(argc - 1, argv + 1, err);
	if (!strcmp(sub, "inspect"))
		return net_inspect(argc - 1, argv + 1, err);
	if (!strcmp(sub, "rm") || !strcmp(sub, "remove"))
		return net_rm(argc - 1, argv + 1, err);
	return err_set(err, EINVAL, "unknown subcommand '%s' (create, ls, inspect, rm)", sub);
}
