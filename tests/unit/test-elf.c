/* ELF executable parser on synthetic files, good and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <elf.h>
#include <cmocka.h>

#include "elf-exec.h"
#include "exitcodes.h"

static uint8_t img[8192];

/* An x86_64 ET_EXEC with two PT_LOADs and a PT_NOTE. */
static void make64(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_entry = 0x1000010;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	ph[0].p_type = PT_LOAD;
	ph[0].p_offset = 4096;
	ph[0].p_paddr = 0x1000000;
	ph[0].p_vaddr = 0xffffffff81000000ull;
	ph[0].p_filesz = 1024;
	ph[0].p_memsz = 4096;
	ph[1].p_type = PT_NOTE;
	ph[2].p_type = PT_LOAD;
	ph[2].p_offset = 5120;
	ph[2].p_paddr = 0x1002000;
	ph[2].p_filesz = 100;
	ph[2].p_memsz = 0x10000;
	memset(img + 4096, 0xcc, 1124);
}

static Elf64_Phdr *ph64(int i)
{
	return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i;
}

static void good64(void **state)
{
	struct elf_exec e;
	struct kj_error err = { 0, "" };

	make64();
	assert_int_equal(elf_exec_parse(img, sizeof(img), "prog.elf", &e, &err), 0);
	assert_true(e.is64);
	assert_int_equal(e.machine, EM_X86_64);
	assert_int_equal(e.nload, 2);
	assert_int_equal(e.load[0].paddr, 0x1000000);
	assert_ptr_equal(e.load[0].data, img + 4096);
	assert_int_equal(e.load[1].memsz, 0x10000);
}

static void good32(void **state)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + sizeof(*eh));
	struct elf_exec e;
	struct kj_error err = { 0, "" };

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_entry = 0x100000;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_offset = 4096;
	ph->p_paddr = 0x100000;
	ph->p_filesz = 16;
	ph->p_memsz = 16;
	assert_int_equal(elf_exec_parse(img, sizeof(img), "prog32.elf", &e, &err), 0);
	assert_false(e.is64);
	assert_int_equal(e.machine, EM_386);
	assert_int_equal(e.entry, 0x100000);
}

static void expect_bad(size_t len, const char *needle)
{
	struct elf_exec e;
	struct kj_error err = { 0, "" };

	assert_int_equal(elf_exec_parse(img, len, "bad.elf", &e, &err), -1);
	assert_int_equal(err.exit_code, KJ_EXIT_BADFILE);
	if (!strstr(err.msg, needle) || strncmp(err.msg, "bad.elf: ", 9))
		fail_msg("message '%s' lacks '%s' or the file name", err.msg, needle);
}

static void hostile(void **state)
{
	make64();
	expect_bad(4, "not an ELF");
	expect_bad(40, "truncated ELF header");
	expect_bad(sizeof(Elf64_Ehdr) + 10, "program headers end past");
	expect_bad(5000, "truncated: program header 0");
	make64();
	ph64(0)->p_filesz = 8192;
	expect_bad(sizeof(img), "more file bytes");
	make64();
	ph64(2)->p_paddr = 0x1000800;
	expect_bad(sizeof(img), "overlap");
	make64();
	ph64(0)->p_paddr = UINT64_MAX - 10;
	expect_bad(sizeof(img), "wraps around");
	make64();
	((Elf64_Ehdr *)img)->e_entry = 0x5000000;
	expect_bad(sizeof(img), "entry point 0x5000000 is outside");
	make64();
	((Elf64_Ehdr *)img)->e_type = ET_DYN;
	expect_bad(sizeof(img), "not an executable");
	make64();
	((Elf64_Ehdr *)img)->e_machine = EM_AARCH64;
	expect_bad(sizeof(img), "not x86");
	make64();
	((Elf64_Ehdr *)img)->e_phentsize = 12;
	expect_bad(sizeof(img), "program header size");
	make64();
	((Elf64_Ehdr *)img)->e_phoff = UINT64_MAX - 8;
	expect_bad(sizeof(img), "program headers end past");
	make64();
	ph64(0)->p_offset = UINT64_MAX - 100;
	expect_bad(sizeof(img), "truncated");
	make64();
	ph64(0)->p_type = PT_NULL;
	ph64(2)->p_type = PT_NULL;
	expect_bad(sizeof(img), "no loadable segments");
	make64();
	img[EI_DATA] = ELFDATA2MSB;
	expect_bad(sizeof(img), "little-endian");
}

/* An ELF core (a saved image, a vmcore copy) is not an executable: the
 * resume loader takes it, with --args-none. */
static void core_images(void **state)
{
	struct elf_exec e;
	struct kj_error err = { 0, "" };

	make64();
	((Elf64_Ehdr *)img)->e_type = ET_CORE;
	((Elf64_Ehdr *)img)->e_entry = 0; /* a plain vmcore copy has none */
	assert_int_equal(elf_exec_parse(img, sizeof(img), "core.elf", &e, &err), -1);
	assert_non_null(strstr(err.msg, "an ELF core loads only with --args-none"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good64),
		cmocka_unit_test(good32),
		cmocka_unit_test(hostile),
		cmocka_unit_test(core_images),
	};
	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
