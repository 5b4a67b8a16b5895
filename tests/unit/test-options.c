/* Option parser: kexec-tools-compatible spellings, one struct, conflicts refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "options.h"

#define PARSE(o, err, ...) \
	({ char *argv_[] = { "kexec", __VA_ARGS__, NULL }; \
	   kj_parse_options((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, (o), (err)); })

static void load_basic(void **state)
{
	struct kj_options o;
	struct kj_error err = { 0, "" };

	assert_int_equal(PARSE(&o, &err, "-l", "/boot/vmlinuz", "--initrd=/a", "--ramdisk", "/b",
			       "--append=console=ttyS0", "--mem-min=0x1000000", "--mem-max=96M",
			       "-c", "-d"), 0);
	assert_int_equal(o.action, KJ_ACTION_LOAD);
	assert_int_equal(o.image_type, KJ_IMAGE_NORMAL);
	assert_string_equal(o.kernel, "/boot/vmlinuz");
	assert_int_equal(o.nr_initrds, 2);
	assert_string_equal(o.initrds[0], "/a");
	assert_string_equal(o.initrds[1], "/b");
	assert_string_equal(o.command_line, "console=ttyS0");
	assert_int_equal(o.mem_min, 0x1000000);
	assert_int_equal(o.mem_max, 96u << 20);
	assert_true(o.mem_max_given);
	assert_int_equal(o.syscall, KJ_SYSCALL_LOAD);
	assert_true(o.debug);
}

static void command_line_last_wins(void **state)
{
	struct kj_options o;
	struct kj_error err = { 0, "" };

	/* kexec-tools: --command-line and --append are one option; the last counts */
	assert_int_equal(PARSE(&o, &err, "-l", "k", "--command-line=a", "--append=b"), 0);
	assert_string_equal(o.command_line, "b");
}

static void defaults(void **state)
{
	struct kj_options o;
	struct kj_error err = { 0, "" };

	assert_int_equal(PARSE(&o, &err, "vmlinuz"), 0);
	assert_int_equal(o.action, KJ_ACTION_LOAD_AND_REBOOT);
	assert_int_equal(o.syscall, KJ_SYSCALL_AUTO);
	assert_int_equal(PARSE(&o, &err, "-e"), 0);
	assert_int_equal(o.action, KJ_ACTION_EXEC);
	assert_int_equal(PARSE(&o, &err, "-f", "k"), 0);
	assert_int_equal(o.action, KJ_ACTION_LOAD_AND_EXEC);
	assert_int_equal(PARSE(&o, &err, "-s", "-l", "k"), 0);
	assert_int_equal(o.syscall, KJ_SYSCALL_FILE);
	assert_int_equal(PARSE(&o, &err, "--help", "--bogus"), 0);
	assert_int_equal(o.action, KJ_ACTION_HELP);
	assert_int_equal(PARSE(&o, &err, "-v"), 0);
	assert_int_equal(o.action, KJ_ACTION_VERSION);
}

static void status_and_unload_types(void **state)
{
	struct kj_options o;
	struct kj_error err = { 0, "" };

	assert_int_equal(PARSE(&o, &err, "-S"), 0);
	assert_int_equal(o.action, KJ_ACTION_STATUS);
	assert_false(o.image_type_given); /* the caller reads that as "crash" */
	assert_int_equal(PARSE(&o, &err, "-l", "-S"), 0);
	assert_int_equal(o.action, KJ_ACTION_STATUS);
	assert_true(o.image_type_given);
	assert_int_equal(o.image_type, KJ_IMAGE_NORMAL);
	assert_int_equal(PARSE(&o, &err, "-S", "-p"), 0);
	assert_int_equal(o.image_type, KJ_IMAGE_CRASH);
	assert_int_equal(PARSE(&o, &err, "-u"), 0);
	assert_int_equal(o.action, KJ_ACTION_UNLOAD);
	assert_int_equal(PARSE(&o, &err, "-p", "-u"), 0);
	assert_int_equal(o.image_type, KJ_IMAGE_CRASH);
}

static void expect_usage(struct kj_error *err, const char *needle)
{
	assert_int_equal(err->exit_code, KJ_EXIT_USAGE);
	if (!strstr(err->msg, needle))
		fail_msg("message '%s' lacks '%s'", err->msg, needle);
}

static void conflicts(void **state)
{
	struct kj_options o;
	struct kj_error err = { 0, "" };

	assert_int_equal(PARSE(&o, &err, "-l", "-e", "k"), -1);
	expect_usage(&err, "cannot be used together");
	assert_int_equal(PARSE(&o, &err, "-u", "-S"), -1);
	expect_usage(&err, "cannot be used together");
	assert_int_equal(PARSE(&o, &err, "-l", "-p", "k"), -1);
	expect_usage(&err, "--load and --load-panic");
	assert_int_equal(PARSE(&o, &err, "-s", "-c", "-l", "k"), -1);
	expect_usage(&err, "-a, -c and -s");
	assert_int_equal(PARSE(&o, &err, "-l"), -1);
	expect_usage(&err, "no image");
	assert_int_equal(PARSE(&o, &err, "-e", "k"), -1);
	expect_usage(&err, "takes no image");
	assert_int_equal(PARSE(&o, &err, "-l", "k", "extra"), -1);
	expect_usage(&err, "unexpected argument 'extra'");
	assert_int_equal(PARSE(&o, &err, "-l", "k", "--mem-min=0x2000000", "--mem-max=0x1000000"), -1);
	expect_usage(&err, "--mem-min (0x2000000) is above --mem-max (0x1000000)");
	assert_int_equal(PARSE(&o, &err, "-l", "k", "--mem-min=lots"), -1);
	expect_usage(&err, "--mem-min: 'lots' is not an address");
	assert_int_equal(PARSE(&o, &err, "-s", "-l", "k", "--entry-32bit"), -1);
	expect_usage(&err, "--entry-32bit needs kexec_load");
	assert_int_equal(PARSE(&o, &err, "-s", "-l", "k", "--mem-max=0x1000000"), -1);
	expect_usage(&err, "need kexec_load");
	/* every kexec_load-only option: refused with -s, and it makes -a use kexec_load */
	{
		static char *const only[][2] = {
			{ "--load-preserve-context", "--load-preserve-context needs kexec_load (-c): kexec_file_load cannot do it" },
			{ "--entry=0x100000", "--entry needs kexec_load (-c): kexec_file_load cannot do it" },
			{ "--args-none", "--args-* needs kexec_load (-c): kexec_file_load cannot do it" },
			{ "--entry-32bit", "--entry-32bit needs kexec_load (-c): with -s the kernel chooses the entry" },
			{ "--no-checks", "--no-checks needs kexec_load (-c): kexec_file_load has its own purgatory" },
			{ "--mem-min=0x1000000", "--mem-min/--mem-max need kexec_load (-c): with -s the kernel places the image" },
		};

		for (size_t i = 0; i < sizeof(only) / sizeof(only[0]); i++) {
			assert_int_equal(PARSE(&o, &err, "-s", "-l", "k", only[i][0]), -1);
			assert_string_equal(err.msg, only[i][1]);
			assert_int_equal(PARSE(&o, &err, "-l", "k", only[i][0]), 0);
			assert_true(kj_options_need_kexec_load(&o));
		}
		assert_int_equal(PARSE(&o, &err, "-s", "--load-jump-back-helper"), -1);
		assert_string_equal(err.msg, "--load-jump-back-helper needs kexec_load (-c): kexec_file_load cannot do it");
		assert_int_equal(PARSE(&o, &err, "-l", "k", "--initrd=i", "--append=x"), 0);
		assert_false(kj_options_need_kexec_load(&o));
	}
	assert_int_equal(PARSE(&o, &err, "-e", "--dry-run"), -1);
	expect_usage(&err, "--dry-run");
	assert_int_equal(PARSE(&o, &err, "-f", "k", "--dry-run"), -1);
	expect_usage(&err, "--dry-run needs --load");
	assert_int_equal(PARSE(&o, &err, "-u", "--initrd=x"), -1);
	expect_usage(&err, "need an image");
	assert_int_equal(PARSE(&o, &err, "-l", "k", "-t", "pe-arm"), -1);
	expect_usage(&err, "unknown image type 'pe-arm'");
	assert_int_equal(PARSE(&o, &err, "--frobnicate"), -1);
	expect_usage(&err, "unrecognized option '--frobnicate'");
	assert_int_equal(PARSE(&o, &err, "-Q"), -1);
	expect_usage(&err, "invalid option -- 'Q'");
	assert_int_equal(PARSE(&o, &err, "-l", "k", "--initrd"), -1);
	expect_usage(&err, "needs an argument");
	assert_int_equal(PARSE(&o, &err, "-p", "k"), 0);
	assert_int_equal(o.action, KJ_ACTION_LOAD);
	assert_int_equal(o.image_type, KJ_IMAGE_CRASH);
	assert_int_equal(PARSE(&o, &err, "-p", "--load-preserve-context", "k"), -1);
	expect_usage(&err, "--load-panic and kexec jump cannot be used together");
	assert_int_equal(PARSE(&o, &err, "--load-jump-back-helper", "-p"), -1);
	expect_usage(&err, "--load-panic and kexec jump cannot be used together");
	/* a row of excl[]: the options named in the order given */
	assert_int_equal(PARSE(&o, &err, "-p", "-l", "k"), -1);
	expect_usage(&err, "--load-panic and --load cannot be used together");
	assert_int_equal(PARSE(&o, &err, "-e", "-u"), -1);
	expect_usage(&err, "--exec and --unload cannot be used together");
	assert_int_equal(PARSE(&o, &err, "-c", "-c", "-l", "k"), 0); /* the same one again */
	assert_int_equal(PARSE(&o, &err, "--args-none", "--args-elf", "-l", "k"), -1);
	expect_usage(&err, "choose one of --args-linux, --args-none and --args-elf");
}

static void numbers(void **state)
{
	uint64_t v;

	assert_int_equal(kj_parse_u64("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(kj_parse_u64("010", &v), 0); /* octal, as strtoull base 0 */
	assert_int_equal(v, 8);
	assert_int_equal(kj_parse_u64("16M", &v), 0);
	assert_int_equal(v, 16u << 20);
	assert_int_equal(kj_parse_u64("2G", &v), 0);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(kj_parse_u64("-1", &v), -1);
	assert_int_equal(kj_parse_u64("", &v), -1);
	assert_int_equal(kj_parse_u64("12Q", &v), -1);
	assert_int_equal(kj_parse_u64("0xffffffffffffffffK", &v), -1);
	assert_int_equal(kj_parse_u64("99999999999999999999999", &v), -1);
}

/* kexec-tools' --noefi (no effect here) and --print-ckr-size (an action
 * of its own, with no image) */
static void kexec_tools_extras(void **state)
{
	struct kj_options o;
	struct kj_error err = { 0, "" };

	(void)state;
	assert_int_equal(PARSE(&o, &err, "-c", "-l", "--noefi", "k"), 0);
	assert_true(o.noefi);
	assert_int_equal(o.action, KJ_ACTION_LOAD);
	assert_int_equal(PARSE(&o, &err, "--print-ckr-size"), 0);
	assert_int_equal(o.action, KJ_ACTION_PRINT_CKR_SIZE);
	assert_int_equal(PARSE(&o, &err, "--print-ckr-size", "k"), -1);
	expect_usage(&err, "--print-ckr-size takes no image file");
	assert_int_equal(PARSE(&o, &err, "--print-ckr-size", "-e"), -1);
	expect_usage(&err, "cannot be used together");
}

static void too_many_initrds(void **state)
{
	struct kj_options o;
	struct kj_error err = { 0, "" };
	char *argv[KJ_MAX_INITRDS + 5];
	int argc = 0;

	argv[argc++] = "kexec";
	argv[argc++] = "-l";
	argv[argc++] = "k";
	for (int i = 0; i <= KJ_MAX_INITRDS; i++)
		argv[argc++] = "--initrd=x";
	argv[argc] = NULL;
	assert_int_equal(kj_parse_options(argc, argv, &o, &err), -1);
	expect_usage(&err, "--initrd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_basic),
		cmocka_unit_test(command_line_last_wins),
		cmocka_unit_test(defaults),
		cmocka_unit_test(status_and_unload_types),
		cmocka_unit_test(conflicts),
		cmocka_unit_test(numbers),
		cmocka_unit_test(too_many_initrds),
		cmocka_unit_test(kexec_tools_extras),
	};
	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
