// SPDX-License-Identifier: Apache-2.0
/* brig networks without root: CIDR and address syntax, lease allocation
 * (exhaustion, reuse, requests), leases and definitions persisted in a temp
 * networks directory, definition parse errors, the container record. */
#include "netlink/internal.h"

#include <check.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

Suite *test_suite(void);

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/brig-test-network.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	struct brig_error err;
	int fd = open("/tmp", O_PATH | O_DIRECTORY);
	rm_rf_at(fd, dir + 5, &err);
	close(fd);
}

static struct spec_network net(const char *cidr)
{
	struct spec_network n = {.name = "n1", .icc = true};
	struct brig_error err;
	ck_assert_int_eq(spec_cidr_parse(cidr, &n.subnet, &err), 0);
	return n;
}

START_TEST(test_cidr)
{
	struct spec_cidr c;
	struct brig_error err;
	ck_assert_int_eq(spec_cidr_parse("10.88.0.0/16", &c, &err), 0);
	ck_assert_uint_eq(c.addr, 0x0a580000);
	ck_assert_uint_eq(c.prefix, 16);
	ck_assert_int_eq(spec_cidr_parse("10.88.0.1/16", &c, &err), -1);
	ck_assert_str_eq(
	    err.msg,
	    "invalid subnet '10.88.0.1/16': host bits are set (did you mean 10.88.0.0/16?)");
	ck_assert_int_eq(spec_cidr_parse("10.88.0.0", &c, &err), -1);
	ck_assert_str_eq(err.msg, "invalid subnet '10.88.0.0': want ADDRESS/PREFIX");
	ck_assert_int_eq(spec_cidr_parse("10.88.0.0/33", &c, &err), -1);
	ck_assert_int_eq(spec_cidr_parse("10.88.0.0/x", &c, &err), -1);
	ck_assert_int_eq(spec_cidr_parse("10.88/16", &c, &err), -1);
	ck_assert_int_eq(spec_cidr_parse("fd00::/64", &c, &err), -1);
	ck_assert_str_eq(err.msg, "invalid subnet 'fd00::/64': not an IPv4 address");
	ck_assert_int_eq(spec_cidr_parse("10.0.0.0/31", &c, &err), -1);
	ck_assert_int_eq(spec_cidr_parse("10.0.0.0/7", &c, &err), -1);
	uint32_t a;
	char buf[16];
	ck_assert_int_eq(spec_ipv4_parse("192.168.1.254", &a, &err), 0);
	spec_ipv4_format(a, buf);
	ck_assert_str_eq(buf, "192.168.1.254");
	ck_assert_int_eq(spec_ipv4_parse("192.168.1", &a, &err), -1);
	ck_assert_int_eq(spec_ipv4_parse("010.1.1.1", &a, &err), -1);
}
END_TEST

START_TEST(test_pick_exhaust_reuse)
{
	/* a /29: .0 network, .1 bridge, .2-.6 containers, .7 broadcast */
	struct spec_network n = net("10.9.0.0/29");
	struct spec_lease v[8] = {0};
	size_t nv = 0;
	struct brig_error err;
	uint32_t a;
	for (uint32_t want = 0x0a090002; want <= 0x0a090006; want++) {
		ck_assert_int_eq(lease_pick(&n, v, nv, NULL, &a, &err), 0);
		ck_assert_uint_eq(a, want);
		v[nv++] = (struct spec_lease){.addr = a, .id = "c"};
	}
	ck_assert_int_eq(lease_pick(&n, v, nv, NULL, &a, &err), -1);
	ck_assert_int_eq(err.errnum, ENOSPC);
	ck_assert_str_eq(err.msg, "network 'n1' has no free address (10.9.0.0/29: 5 in use)");
	/* release .4: the lowest free address is reused */
	v[2] = v[--nv];
	ck_assert_int_eq(lease_pick(&n, v, nv, NULL, &a, &err), 0);
	ck_assert_uint_eq(a, 0x0a090004);
}
END_TEST

START_TEST(test_pick_requested)
{
	struct spec_network n = net("10.9.0.0/24");
	struct spec_lease v[] = {{.addr = 0x0a090005, .id = "web"}};
	struct brig_error err;
	uint32_t a, want = 0x0a090007;
	ck_assert_int_eq(lease_pick(&n, v, 1, &want, &a, &err), 0);
	ck_assert_uint_eq(a, want);
	want = 0x0a090005;
	ck_assert_int_eq(lease_pick(&n, v, 1, &want, &a, &err), -1);
	ck_assert_int_eq(err.errnum, EADDRINUSE);
	ck_assert_str_eq(err.msg, "address 10.9.0.5 of network 'n1' is in use by container 'web'");
	want = 0x0a090001;
	ck_assert_int_eq(lease_pick(&n, v, 1, &want, &a, &err), -1);
	ck_assert_str_eq(err.msg, "address 10.9.0.1 is reserved in network 'n1' (the network, "
				  "bridge and broadcast addresses)");
	want = 0x0a0900ff;
	ck_assert_int_eq(lease_pick(&n, v, 1, &want, &a, &err), -1);
	want = 0x0a0a0005;
	ck_assert_int_eq(lease_pick(&n, v, 1, &want, &a, &err), -1);
	ck_assert_str_eq(err.msg, "address 10.10.0.5 is not in network 'n1' (10.9.0.0/24)");
}
END_TEST

START_TEST(test_overlap)
{
	struct spec_network a = net("10.1.0.0/16"), b = net("10.1.200.0/24"),
			    c = net("10.2.0.0/16");
	ck_assert(lease_subnets_overlap(&a.subnet, &b.subnet));
	ck_assert(lease_subnets_overlap(&b.subnet, &a.subnet));
	ck_assert(!lease_subnets_overlap(&a.subnet, &c.subnet));
}
END_TEST

/* Leases survive in the directory; those whose container directory is gone
 * or that an earlier boot took are dropped on the next read. */
START_TEST(test_lease_persistence)
{
	struct netstore st;
	struct brig_error err;
	ck_assert_int_eq(netstore_open(dir, false, &st, &err), 0);
	_cleanup_free_ char *croot = path_join(dir, "root");
	_cleanup_free_ char *c1 = path_join(croot, "c1");
	ck_assert_int_eq(mkdir_p(c1, 0700, &err), 0);
	_cleanup_free_ char *boot = netstore_boot_id();
	struct spec_lease v[] = {
	    {0x0a090002, "c1", croot, boot},	       /* live */
	    {0x0a090003, "gone", croot, boot},	       /* its directory is gone */
	    {0x0a090004, "c1", croot, "another-boot"}, /* a reboot ago */
	};
	ck_assert_int_eq(netstore_save_leases(st.dir_fd, "n1", v, 3, &err), 0);
	struct spec_lease *got;
	size_t n;
	ck_assert_int_eq(netstore_leases(st.dir_fd, "n1", &got, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(got[0].addr, 0x0a090002);
	ck_assert_str_eq(got[0].id, "c1");
	spec_leases_free(got, n);
	ck_assert_int_eq(netstore_leases(st.dir_fd, "none-yet", &got, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	netstore_close(&st);
}
END_TEST

START_TEST(test_definitions)
{
	struct netstore st;
	struct brig_error err;
	ck_assert_int_eq(netstore_open(dir, false, &st, &err), 0);
	struct spec_network n = net("10.7.0.0/24");
	n.bridge = "brig-n1";
	n.mode = SPEC_NET_HOST_REACHABLE;
	n.icc = false;
	n.mtu = 1400;
	n.created = "2026-12-01T00:00:00Z";
	ck_assert_int_eq(netstore_save(st.dir_fd, &n, &err), 0);
	struct spec_network got;
	ck_assert_int_eq(netstore_load(st.dir_fd, "n1", &got, &err), 0);
	ck_assert_str_eq(got.bridge, "brig-n1");
	ck_assert_uint_eq(got.subnet.addr, 0x0a070000);
	ck_assert_int_eq(got.mode, SPEC_NET_HOST_REACHABLE);
	ck_assert(!got.icc);
	ck_assert_uint_eq(got.mtu, 1400);
	spec_network_clear(&got);
	ck_assert_int_eq(netstore_load(st.dir_fd, "n2", &got, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_str_eq(err.msg, "network 'n2' does not exist");
	_cleanup_strv_ char **names = NULL;
	ck_assert_int_eq(netstore_list(st.dir_fd, &names, &err), 0);
	ck_assert_uint_eq(strv_length(names), 1);
	ck_assert_str_eq(names[0], "n1");
	ck_assert_int_eq(netstore_remove(st.dir_fd, "n1", &err), 0);
	ck_assert_int_eq(netstore_load(st.dir_fd, "n1", &got, &err), -1);
	netstore_close(&st);
}
END_TEST

static void parse_fails(const char *text, const char *msg)
{
	struct spec_network n;
	struct brig_error err;
	ck_assert_int_eq(spec_network_parse(text, "n.json", &n, &err), -1);
	ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_definition_errors)
{
	parse_fails("{",
		    "n.json: invalid JSON at line 1, column 1: string or '}' expected near end "
		    "of file");
	parse_fails("{\"bridge\": \"b\", \"subnet\": \"10.0.0.0/24\"}",
		    "n.json: .name: missing required field");
	parse_fails("{\"name\": \"a b\", \"bridge\": \"b\", \"subnet\": \"10.0.0.0/24\"}",
		    "n.json: .name: invalid network name 'a b': use up to 64 letters, digits and "
		    "_.- (starting with a letter or digit; not \"none\")");
	parse_fails(
	    "{\"name\": \"a\", \"bridge\": \"0123456789abcdef\", \"subnet\": \"10.0.0.0/24\"}",
	    "n.json: .bridge: invalid bridge name \"0123456789abcdef\"");
	parse_fails("{\"name\": \"a\", \"bridge\": \"b\", \"subnet\": \"10.0.0.0/33\"}",
		    "n.json: .subnet: invalid subnet '10.0.0.0/33': bad prefix length");
	parse_fails("{\"name\": \"a\", \"bridge\": \"b\", \"subnet\": \"10.0.0.0/24\", "
		    "\"mode\": \"open\"}",
		    "n.json: .mode: unknown mode \"open\"");
	parse_fails(
	    "{\"name\": \"a\", \"bridge\": \"b\", \"subnet\": \"10.0.0.0/24\", \"mtu\": 20}",
	    "n.json: .mtu: must be between 68 and 65535");
	parse_fails("{\"name\": \"a\", \"bridge\": \"b\", \"subnet\": \"10.0.0.0/24\", "
		    "\"icc\": \"no\"}",
		    "n.json: .icc: expected a boolean");
	struct brig_error err;
	ck_assert_int_eq(spec_network_name_validate("none", &err), -1);
	ck_assert_int_eq(spec_network_name_validate("-x", &err), -1);
	ck_assert_int_eq(spec_network_name_validate("db_net.2-a", &err), 0);
}
END_TEST

START_TEST(test_record_round_trip)
{
	struct spec_ifaddr addrs[] = {
	    {.family = AF_INET,
	     .local = {192, 0, 2, 10},
	     .prefix = 24,
	     .has_broadcast = true,
	     .broadcast = {192, 0, 2, 255}},
	    {.family = AF_INET6,
	     .local = {0x20, 1, 0x0d, 0xb8, [15] = 1},
	     .prefix = 64,
	     .flags = 2},
	};
	struct spec_netdev_record dev = {.host_name = "d0",
					 .name = "c0",
					 .host_index = 9,
					 .has_mac = true,
					 .mac = {2, 0, 0, 0, 0, 9},
					 .kind = "",
					 .was_up = true,
					 .addrs = addrs,
					 .n_addrs = 2};
	struct spec_netrecord r = {.pid = 42,
				   .start_time = 1234,
				   .own_netns = true,
				   .network = "n1",
				   .dir = "/d",
				   .root = "/run/brig",
				   .id = "c",
				   .address = 0x0a000002,
				   .host_veth = "vb0",
				   .devs = &dev,
				   .n_devs = 1};
	_cleanup_free_ char *text = spec_netrecord_format(&r);
	struct spec_netrecord got;
	struct brig_error err;
	ck_assert_int_eq(spec_netrecord_parse(text, &got, &err), 0);
	ck_assert_int_eq(got.pid, 42);
	ck_assert_uint_eq(got.start_time, 1234);
	ck_assert_str_eq(got.network, "n1");
	ck_assert_uint_eq(got.address, 0x0a000002);
	ck_assert_uint_eq(got.n_devs, 1);
	ck_assert_str_eq(got.devs[0].name, "c0");
	ck_assert_int_eq(got.devs[0].mac[5], 9);
	ck_assert_uint_eq(got.devs[0].n_addrs, 2);
	ck_assert(!memcmp(&got.devs[0].addrs[0], &addrs[0], sizeof(addrs[0])));
	ck_assert(!memcmp(&got.devs[0].addrs[1], &addrs[1], sizeof(addrs[1])));
	spec_netrecord_clear(&got);
	ck_assert_int_eq(spec_netrecord_parse("{\"pid\": 1}", &got, &err), -1);
	ck_assert_str_eq(err.msg, "network.json: .startTime: missing required field");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("network");
	TCase *pure = tcase_create("pure");
	tcase_add_test(pure, test_cidr);
	tcase_add_test(pure, test_pick_exhaust_reuse);
	tcase_add_test(pure, test_pick_requested);
	tcase_add_test(pure, test_overlap);
	tcase_add_test(pure, test_definition_errors);
	tcase_add_test(pure, test_record_round_trip);
	suite_add_tcase(s, pure);
	TCase *store = tcase_create("store");
	tcase_add_checked_fixture(store, setup, teardown);
	tcase_add_test(store, test_lease_persistence);
	tcase_add_test(store, test_definitions);
	suite_add_tcase(s, store);
	return s;
}
