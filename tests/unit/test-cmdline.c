/* Command-line builder and parameter removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmdline.h"
#include "exitcodes.h"

static void join(void **state)
{
	struct kj_error err = { 0, "" };
	char *out;

	assert_int_equal(cmdline_build(NULL, "console=ttyS0", 2047, &out, &err), 0);
	assert_string_equal(out, "console=ttyS0");
	free(out);
	assert_int_equal(cmdline_build(NULL, NULL, 2047, &out, &err), 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(cmdline_build("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro crashkernel=256M quiet",
				       "kjmarker=7", 2047, &out, &err), 0);
	assert_string_equal(out, "root=/dev/sda1 ro quiet kjmarker=7");
	free(out);
}

static void drops_running_boot_params(void **state)
{
	struct kj_error err = { 0, "" };
	char *out;

	assert_int_equal(cmdline_build("a kexec_jump_back_entry=0x1234 elfcorehdr=0x5000 b "
				       "crashkernel=1G@16M c", NULL, 2047, &out, &err), 0);
	assert_string_equal(out, "a b c");
	free(out);
	/* initrdmem= (given to a kernel booted with the EFI state) names the
	 * running kernel's initrd */
	assert_int_equal(cmdline_build("initrdmem=0x5dcb000,0x234f00 root=/dev/vda", "quiet", 2047,
				       &out, &err), 0);
	assert_string_equal(out, "root=/dev/vda quiet");
	free(out);
}

static void quoted_values(void **state)
{
	char line[] = "a x=\"1 2 elfcorehdr=3\" elfcorehdr=9 elfcorehdrx=1 b";

	cmdline_remove_param(line, "elfcorehdr");
	assert_string_equal(line, "a x=\"1 2 elfcorehdr=3\" elfcorehdrx=1 b");
}

static void remove_all_and_whitespace(void **state)
{
	char line[] = "  elfcorehdr=1   elfcorehdr   a\tb  ";

	cmdline_remove_param(line, "elfcorehdr");
	assert_string_equal(line, "a b");
}

static void length_limit(void **state)
{
	struct kj_error err = { 0, "" };
	char given[300];
	char *out = NULL;

	memset(given, 'x', sizeof(given) - 1);
	given[sizeof(given) - 1] = '\0';
	assert_int_equal(cmdline_build(NULL, given, 299, &out, &err), 0);
	free(out);
	assert_int_equal(cmdline_build(NULL, given, 298, &out, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_USAGE);
	assert_string_equal(err.msg, "command line is 299 bytes; this kernel accepts at most 298");
	/* reused + given count together, with their joining space */
	assert_int_equal(cmdline_build("abc", given, 302, &out, &err), -1);
	assert_int_equal(cmdline_build("abc", given, 303, &out, &err), 0);
	free(out);
}

static void set_param_replaces(void **state)
{
	struct kj_error err = { 0, "" };
	char *line = strdup("a elfcorehdr=0x1 b kexec_jump_back_entry=0x5 c");
	size_t off = 0;

	assert_int_equal(cmdline_set_param(&line, "elfcorehdr", "0x2000", 2047, NULL, &err), 0);
	assert_string_equal(line, "a b kexec_jump_back_entry=0x5 c elfcorehdr=0x2000");
	assert_int_equal(cmdline_set_param(&line, "kexec_jump_back_entry", "0x0000000000000000",
					   2047, &off, &err), 0);
	assert_string_equal(line, "a b c elfcorehdr=0x2000 kexec_jump_back_entry=0x0000000000000000");
	assert_memory_equal(line + off, "0x0000000000000000", 18);
	free(line);

	/* on an empty line: no leading space */
	line = strdup("");
	assert_int_equal(cmdline_set_param(&line, "x", "1", 2047, &off, &err), 0);
	assert_string_equal(line, "x=1");
	assert_int_equal(off, 2);
	free(line);
}

static void set_param_length(void **state)
{
	struct kj_error err = { 0, "" };
	char *line = strdup("abc");

	/* "abc x=12" is 8 bytes */
	assert_int_equal(cmdline_set_param(&line, "x", "12", 7, NULL, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_USAGE);
	assert_string_equal(err.msg, "command line is 8 bytes with x=12; this kernel accepts at most 7");
	assert_string_equal(line, "abc");
	assert_int_equal(cmdline_set_param(&line, "x", "12", 8, NULL, &err), 0);
	assert_string_equal(line, "abc x=12");
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(join),
		cmocka_unit_test(drops_running_boot_params),
		cmocka_unit_test(quoted_values),
		cmocka_unit_test(remove_all_and_whitespace),
		cmocka_unit_test(length_limit),
		cmocka_unit_test(set_param_replaces),
		cmocka_unit_test(set_param_length),
	};
	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
