/* bzImage parser: Debian's real kernels, then truncated and corrupted copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bzimage.h"
#include "elf-exec.h"
#include "exitcodes.h"
#include "kernel-fixture.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

static void real_amd64(void **state)
{
	struct kj_file f;
	struct bzimage bz;
	struct kj_error err = { 0, "" };

	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &f);
	assert_int_equal(bzimage_parse(f.data, f.size, "vmlinuz", &bz, &err), 0);
	assert_true(bz.protocol >= 0x020f);
	assert_true(bz.relocatable);
	assert_true(bz.xloadflags & XLF_KERNEL_64);
	assert_int_equal(bz.setup_size, (size_t)((f.data[0x1f1] ? f.data[0x1f1] : 4) + 1) * 512);
	assert_ptr_equal(bz.pm, f.data + bz.setup_size);
	assert_int_equal(bz.pm_size, f.size - bz.setup_size);
	assert_true(bz.init_size >= bz.pm_size);
	assert_int_equal(bz.pref_address, 0x1000000);
	assert_int_equal(bz.cmdline_size, 2047);
	assert_int_equal(bz.kernel_alignment, 0x200000);
	assert_true(bz.payload_length > 0);
	kj_file_release(&f);
}

static void real_i386(void **state)
{
	struct kj_file f;
	struct bzimage bz;
	struct kj_error err = { 0, "" };

	fixture_kernel("KJ_TEST_BZIMAGE_I386", &f);
	assert_int_equal(bzimage_parse(f.data, f.size, "vmlinuz", &bz, &err), 0);
	assert_false(bz.xloadflags & XLF_KERNEL_64);
	assert_true(bz.relocatable);
	assert_int_equal(bz.initrd_addr_max, 0x7fffffff);
	kj_file_release(&f);
}

/* The compressed payload decompresses to an ELF vmlinux the ELF parser takes. */
static void payload_is_elf(void **state)
{
	struct kj_file f;
	struct bzimage bz;
	struct elf_exec elf;
	struct kj_error err = { 0, "" };
	unsigned char *out = NULL;
	size_t outlen = 0;

	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &f);
	assert_int_equal(bzimage_parse(f.data, f.size, "vmlinuz", &bz, &err), 0);
	assert_int_equal(kj_decompress(bz.pm + bz.payload_offset, bz.payload_length, "payload",
				       &out, &outlen, &err), 1);
	assert_int_equal(elf_exec_parse(out, outlen, "vmlinux", &elf, &err), 0);
	assert_true(elf.is64);
	assert_int_equal(elf.machine, EM_X86_64);
	assert_int_equal(elf.entry, 0x1000000); /* phys_startup_64 */
	assert_true(elf.nload >= 3);
	free(out);
	kj_file_release(&f);
}

static void expect_bad(const unsigned char *buf, size_t len, const char *needle)
{
	struct bzimage bz;
	struct kj_error err = { 0, "" };

	assert_int_equal(bzimage_parse(buf, len, "bad.img", &bz, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	if (!strstr(err.msg, needle) || strncmp(err.msg, "bad.img: ", 9))
		fail_msg("message '%s' lacks '%s' or the file name", err.msg, needle);
	assert_null(strchr(err.msg, '\n'));
}

static void truncated(void **state)
{
	struct kj_file f;

	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &f);
	/* kexec-tools 2.0.25 loads a 16 KiB stump of a kernel without a word. */
	expect_bad(f.data, 16384, "truncated");
	expect_bad(f.data, f.size / 2, "truncated");
	expect_bad(f.data, f.size - 4096, "truncated");
	expect_bad(f.data, 0x300, "truncated");
	expect_bad(f.data, 100, "too short");
	kj_file_release(&f);
}

static void corrupted(void **state)
{
	struct kj_file f;
	unsigned char *c;

	fixture_kernel("KJ_TEST_BZIMAGE_AMD64", &f);
	c = fixture_copy(&f);
	memcpy(c + 0x202, "HdrX", 4);
	expect_bad(c, f.size, "not a bzImage");
	memcpy(c + 0x202, "HdrS", 4);
	c[0x1fe] = 0;
	expect_bad(c, f.size, "not a bzImage");
	c[0x1fe] = 0x55;
	c[0x206] = 0x05; /* protocol 2.05 */
	expect_bad(c, f.size, "too old");
	c[0x206] = 0x0f;
	put32(c + 0x230, 0x300000); /* alignment not a power of two */
	expect_bad(c, f.size, "kernel_alignment");
	put32(c + 0x230, 0x200000);
	put32(c + 0x24c, 0x7fffffff); /* payload past the end */
	expect_bad(c, f.size, "truncated");
	put32(c + 0x24c, (uint32_t)(f.data[0x24c] | f.data[0x24d] << 8 | f.data[0x24e] << 16 | (uint32_t)f.data[0x24f] << 24));
	put32(c + 0x1f4, 0);
	expect_bad(c, f.size, "syssize");
	free(c);
	kj_file_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_amd64),
		cmocka_unit_test(real_i386),
		cmocka_unit_test(payload_is_elf),
		cmocka_unit_test(truncated),
		cmocka_unit_test(corrupted),
	};
	return cmocka_run_group_tests_name("bzimage", tests, NULL, NULL);
}
