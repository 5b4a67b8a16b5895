/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command-line parsing: one getopt_long pass into struct kj_options, then
 * one place that checks the combination.  Long-only options are an enum
 * after CHAR_MAX (util-linux style).
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "exitcodes.h"
#include "options.h"

enum {
	OPT_MEM_MIN = CHAR_MAX + 1,
	OPT_MEM_MAX,
	OPT_COMMAND_LINE,
	OPT_REUSE_CMDLINE,
	OPT_INITRD,
	OPT_ENTRY_32BIT,
	OPT_DRY_RUN,
	OPT_LOAD_PRESERVE_CONTEXT,
	OPT_LOAD_JUMP_BACK_HELPER,
	OPT_ENTRY,
	OPT_ARGS_LINUX,
	OPT_ARGS_NONE,
	OPT_ARGS_ELF,
	OPT_NOEFI,
	OPT_PRINT_CKR_SIZE,
	OPT_FORCE_RESUME,
};

static const char short_opts[] = ":hvflpuexyscadSt:i";

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "force", no_argument, NULL, 'f' },
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "unload", no_argument, NULL, 'u' },
	{ "exec", no_argument, NULL, 'e' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "no-checks", no_argument, NULL, 'i' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "debug", no_argument, NULL, 'd' },
	{ "status", no_argument, NULL, 'S' },
	{ "type", required_argument, NULL, 't' },
	{ "mem-min", required_argument, NULL, OPT_MEM_MIN },
	{ "mem-max", required_argument, NULL, OPT_MEM_MAX },
	{ "command-line", required_argument, NULL, OPT_COMMAND_LINE },
	{ "append", required_argument, NULL, OPT_COMMAND_LINE },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "entry-32bit", no_argument, NULL, OPT_ENTRY_32BIT },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "load-preserve-context", no_argument, NULL, OPT_LOAD_PRESERVE_CONTEXT },
	{ "load-jump-back-helper", no_argument, NULL, OPT_LOAD_JUMP_BACK_HELPER },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "args-linux", no_argument, NULL, OPT_ARGS_LINUX },
	{ "args-none", no_argument, NULL, OPT_ARGS_NONE },
	{ "force-resume", no_argument, NULL, OPT_FORCE_RESUME },
	{ "args-elf", no_argument, NULL, OPT_ARGS_ELF },
	{ "noefi", no_argument, NULL, OPT_NOEFI },
	{ "print-ckr-size", no_argument, NULL, OPT_PRINT_CKR_SIZE },
	{ NULL, 0, NULL, 0 },
};

/* The image types -t accepts (the architecture's: arch_image_types),
 * ", "-joined into buf. */
static const char *types_list(char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; arch_image_types[i] && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", arch_image_types[i]);
	return buf;
}

void kj_usage(FILE *out)
{
	char types[128];

	fputs("Usage: kexec [OPTION]... [IMAGE]\n"
	      "Load a new kernel (or a physical-mode program) and boot or call it\n"
	      "without going through the firmware.\n"
	      "\n"
	      "Actions (one at a time):\n"
	      " -l, --load               load IMAGE for a later --exec\n"
	      " -e, --exec               execute the loaded image now\n"
	      " -f, --force              load IMAGE and execute it at once, without shutdown\n"
	      " -p, --load-panic         load IMAGE as the crash kernel, run on a panic\n"
	      "                          (with -u: unload it; with -S: ask about it)\n"
	      " -u, --unload             unload the loaded image\n"
	      " -S, --status             exit 1 if an image of the type is loaded, 0 if not\n"
	      "                          (type: crash unless -l is given)\n"
	      "     --print-ckr-size     print the size in bytes of the memory reserved\n"
	      "                          for a crash kernel (crashkernel=), 0 if none\n"
	      "     (no action)          load IMAGE, then run 'shutdown -r now'\n"
	      "\n"
	      "Kexec jump:\n"
	      "     --load-preserve-context  load IMAGE so that --exec can return here:\n"
	      "                          a kernel B (confined to --mem-min..--mem-max,\n"
	      "                          with /proc/vmcore showing this kernel's memory)\n"
	      "                          or a physical-mode program (--args-none)\n"
	      "     --load-jump-back-helper  in kernel B: load the jump back to kernel A\n"
	      "                          (entry from kexec_jump_back_entry= on /proc/cmdline)\n"
	      "     --entry=ADDR         enter the image at ADDR instead of its own entry\n"
	      "\n"
	      "Loading:\n",
	      out);
	fprintf(out, " -t, --type=TYPE          image type: %s\n", types_list(types, sizeof(types)));
	fputs(	      "     --initrd=FILE        initial ramdisk; repeat to concatenate several\n"
	      "     --ramdisk=FILE       same as --initrd\n"
	      "     --command-line=STR   kernel command line\n"
	      "     --append=STR         same as --command-line\n"
	      "     --reuse-cmdline      start from the running kernel's command line\n"
	      "     --mem-min=ADDR       lowest physical address to load into\n"
	      "     --mem-max=ADDR       highest physical address to load into\n"
	      "     --entry-32bit        use the kernel's 32-bit entry point\n"
	      "     --args-linux         give an ELF image boot_params (default)\n"
	      "     --args-none          give an ELF image nothing: registers and stack as\n"
	      "                          the kernel left them\n"
	      "     --args-elf           give an ELF image ELF boot notes\n"
	      "     --force-resume       load a saved image even when it was resumed\n"
	      "                          before or a disk it names has moved on since\n"
	      "                          (risks those disks: see kexec(8))\n"
	      "     --noefi              on an EFI machine, do not hand the new kernel the\n"
	      "                          EFI state (efi_info, runtime map); kexec_load only\n"
	      " -i, --no-checks          skip the purgatory's SHA-256 check\n"
	      "     --dry-run            print the load plan; do not call the kernel\n"
	      "\n"
	      "System call:\n"
	      " -c, --kexec-syscall      use kexec_load(2)\n"
	      " -s, --kexec-file-syscall use kexec_file_load(2)\n"
	      " -a, --kexec-syscall-auto try kexec_file_load(2), fall back to kexec_load(2)\n"
	      "                          (default)\n"
	      "\n"
	      "Executing:\n"
	      " -x, --no-ifdown          do not bring network interfaces down\n"
	      " -y, --no-sync            do not sync file systems first\n"
	      "\n"
	      "Other:\n"
	      " -d, --debug              print what is being done\n"
	      " -h, --help               show this help\n"
	      " -v, --version            show the version\n",
	      out);
}

static const char *action_name(enum kj_action a)
{
	switch (a) {
	case KJ_ACTION_EXEC: return "--exec";
	case KJ_ACTION_LOAD_AND_EXEC: return "--force";
	case KJ_ACTION_UNLOAD: return "--unload";
	case KJ_ACTION_STATUS: return "--status";
	case KJ_ACTION_PRINT_CKR_SIZE: return "--print-ckr-size";
	default: return "--load";
	}
}

/*
 * Options that exclude each other, as util-linux' excl[]: at most one
 * option of a row (the same one again is fine).  A row's message names
 * the choice; without one the message is "A and B cannot be used
 * together", A the option given first.
 */
#define KJ_CRASH_NO_JUMP \
	"--load-panic and kexec jump cannot be used together: a crash kernel does not return"
static const struct {
	int opt[6]; /* 0 ends the row */
	const char *msg;
} excl[] = {
	{ { 'f', 'u', 'e', 'S', OPT_PRINT_CKR_SIZE }, NULL },            /* the action */
	{ { 'l', 'p' }, NULL },                                          /* the image type */
	{ { 'p', OPT_LOAD_PRESERVE_CONTEXT }, KJ_CRASH_NO_JUMP },        /* a crash kernel */
	{ { 'p', OPT_LOAD_JUMP_BACK_HELPER }, KJ_CRASH_NO_JUMP },        /* does not return */
	{ { OPT_LOAD_PRESERVE_CONTEXT, OPT_LOAD_JUMP_BACK_HELPER }, NULL }, /* A's side, B's */
	{ { 'a', 'c', 's' }, "choose one of -a, -c and -s" },            /* the syscall */
	{ { OPT_ARGS_LINUX, OPT_ARGS_NONE, OPT_ARGS_ELF },                /* what an ELF gets */
	  "choose one of --args-linux, --args-none and --args-elf" },
};
#define NR_EXCL (sizeof(excl) / sizeof(excl[0]))

static const char *long_name(int c)
{
	for (const struct option *l = long_opts; l->name; l++)
		if (l->val == c)
			return l->name;
	return "?";
}

/* Option c after those of seen[] (the first option given of each row). */
static int check_excl(int c, int seen[NR_EXCL], struct kj_error *err)
{
	for (size_t r = 0; r < NR_EXCL; r++)
		for (const int *p = excl[r].opt; *p; p++) {
			if (*p != c)
				continue;
			if (seen[r] && seen[r] != c)
				return excl[r].msg ? kj_fail(err, KJ_EXIT_USAGE, "%s", excl[r].msg)
						   : kj_fail(err, KJ_EXIT_USAGE,
							     "--%s and --%s cannot be used together",
							     long_name(seen[r]), long_name(c));
			seen[r] = c;
		}
	return 0;
}

static int parse_addr(const char *opt, const char *arg, uint64_t *out, struct kj_error *err)
{
	if (kj_parse_u64(arg, out) < 0)
		return kj_fail(err, KJ_EXIT_USAGE, "%s: '%s' is not an address", opt, arg);
	return 0;
}

/*
 * What only kexec_load(2) can do, one table: with -s each is a usage
 * error; with -a (the default) any of them picks kexec_load
 * (kj_options_need_kexec_load).
 */
static bool given_preserve(const struct kj_options *o) { return o->preserve_context; }
static bool given_helper(const struct kj_options *o) { return o->jump_back_helper; }
static bool given_entry(const struct kj_options *o) { return o->entry_given; }
static bool given_args(const struct kj_options *o) { return o->elf_args_given; }
static bool given_entry32(const struct kj_options *o) { return o->entry_32bit; }
static bool given_no_checks(const struct kj_options *o) { return o->no_checks; }
static bool given_mem(const struct kj_options *o) { return o->mem_min || o->mem_max_given; }
static bool given_noefi(const struct kj_options *o) { return o->noefi; }

static const struct {
	bool (*given)(const struct kj_options *o);
	const char *refusal; /* with -s */
} load_only[] = {
	{ given_preserve, "--load-preserve-context needs kexec_load (-c): kexec_file_load cannot do it" },
	{ given_helper, "--load-jump-back-helper needs kexec_load (-c): kexec_file_load cannot do it" },
	{ given_entry, "--entry needs kexec_load (-c): kexec_file_load cannot do it" },
	{ given_args, "--args-* needs kexec_load (-c): kexec_file_load cannot do it" },
	{ given_entry32, "--entry-32bit needs kexec_load (-c): with -s the kernel chooses the entry" },
	{ given_no_checks, "--no-checks needs kexec_load (-c): kexec_file_load has its own purgatory" },
	{ given_mem, "--mem-min/--mem-max need kexec_load (-c): with -s the kernel places the image" },
	{ given_noefi, "--noefi needs kexec_load (-c): kexec_file_load always passes the EFI state" },
};

/* The refusal of the first kexec_load-only option given, or NULL. */
static const char *load_only_given(const struct kj_options *o)
{
	for (size_t i = 0; i < sizeof(load_only) / sizeof(load_only[0]); i++)
		if (load_only[i].given(o))
			return load_only[i].refusal;
	return NULL;
}

bool kj_options_need_kexec_load(const struct kj_options *o)
{
	return load_only_given(o) != NULL;
}

/* The combination rules, one place. */
static int check_combination(struct kj_options *o, bool action_given, struct kj_error *err)
{
	bool loads;

	if (o->action == KJ_ACTION_HELP || o->action == KJ_ACTION_VERSION)
		return 0;

	/* -l means "load"; --exec runs what is loaded: together they are two actions. */
	if (action_given && o->image_type_given && o->image_type == KJ_IMAGE_NORMAL &&
	    o->action == KJ_ACTION_EXEC)
		return kj_fail(err, KJ_EXIT_USAGE, "--load and --exec cannot be used together");
	/* -l/-p alone mean "load"; with -u or -S they only select the type. */
	if (!action_given && o->image_type_given)
		o->action = KJ_ACTION_LOAD;
	loads = o->action == KJ_ACTION_LOAD || o->action == KJ_ACTION_LOAD_AND_EXEC ||
		o->action == KJ_ACTION_LOAD_AND_REBOOT;

	if (o->image_type == KJ_IMAGE_CRASH && (o->action == KJ_ACTION_LOAD_AND_EXEC ||
						o->action == KJ_ACTION_EXEC))
		return kj_fail(err, KJ_EXIT_USAGE,
			       "a crash kernel is not executed by hand; it boots on panic");

	if (o->jump_back_helper) {
		if (!loads)
			return kj_fail(err, KJ_EXIT_USAGE,
				       "--load-jump-back-helper and %s cannot be used together",
				       action_name(o->action));
		if (o->kernel)
			return kj_fail(err, KJ_EXIT_USAGE,
				       "--load-jump-back-helper takes no image file (got '%s')", o->kernel);
		if (o->nr_initrds || o->command_line || o->reuse_cmdline || o->type ||
		    o->entry_32bit || o->elf_args_given)
			return kj_fail(err, KJ_EXIT_USAGE,
				       "--load-jump-back-helper takes only --entry (and --mem-min/--mem-max)");
	} else if (loads && !o->kernel) {
		return kj_fail(err, KJ_EXIT_USAGE, "no image to load was given");
	}
	if (o->preserve_context && !loads)
		return kj_fail(err, KJ_EXIT_USAGE, "--load-preserve-context and %s cannot be used together",
			       action_name(o->action));
	if (!loads && o->kernel)
		return kj_fail(err, KJ_EXIT_USAGE, "%s takes no image file (got '%s')",
			       action_name(o->action), o->kernel);
	if (!loads) {
		if (o->nr_initrds || o->command_line || o->reuse_cmdline || o->type ||
		    o->entry_32bit || o->mem_min || o->mem_max_given || o->entry_given ||
		    o->elf_args_given)
			return kj_fail(err, KJ_EXIT_USAGE, "image options need an image to load");
		if (o->dry_run)
			return kj_fail(err, KJ_EXIT_USAGE, "--dry-run only applies to loading");
	}
	if (o->dry_run && o->action != KJ_ACTION_LOAD)
		return kj_fail(err, KJ_EXIT_USAGE, "--dry-run needs --load (-l)");
	if (o->mem_max_given && o->mem_min > o->mem_max)
		return kj_fail(err, KJ_EXIT_USAGE,
			       "--mem-min (0x%llx) is above --mem-max (0x%llx)",
			       (unsigned long long)o->mem_min, (unsigned long long)o->mem_max);
	if (o->syscall_given && o->syscall == KJ_SYSCALL_FILE && load_only_given(o))
		return kj_fail(err, KJ_EXIT_USAGE, "%s", load_only_given(o));
	if (o->type) {
		size_t i;
		char types[128];

		for (i = 0; arch_image_types[i] && strcmp(o->type, arch_image_types[i]); i++)
			;
		if (!arch_image_types[i])
			return kj_fail(err, KJ_EXIT_USAGE, "--type: unknown image type '%s' (%s)",
				       o->type, types_list(types, sizeof(types)));
	}
	return 0;
}

/*
 * What getopt_long refused, said as getopt would have.  A long option
 * sets optopt to its value, so "--load=yes" would read as "invalid
 * option -- 'l'": the word that was refused tells a long option from a
 * short one.
 */
static int bad_option(int argc, char *const argv[], struct kj_error *err)
{
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";

	if (!strncmp(word, "--", 2)) {
		const char *eq = strchr(word, '=');
		size_t n = eq ? (size_t)(eq - word - 2) : strlen(word + 2);

		const struct option *hit = NULL;
		unsigned prefixes = 0;

		/* the option meant: named in full, or by its only abbreviation */
		for (size_t i = 0; eq && long_opts[i].name; i++) {
			if (strncmp(long_opts[i].name, word + 2, n))
				continue;
			if (strlen(long_opts[i].name) == n) {
				hit = &long_opts[i];
				prefixes = 1;
				break;
			}
			hit = &long_opts[i];
			prefixes++;
		}
		if (hit && prefixes == 1 && hit->has_arg == no_argument)
			return kj_fail(err, KJ_EXIT_USAGE, "option '--%s' doesn't allow an argument",
				       hit->name);
		if (prefixes > 1)
			return kj_fail(err, KJ_EXIT_USAGE, "option '%.*s' is ambiguous", (int)(n + 2), word);
		return kj_fail(err, KJ_EXIT_USAGE, "unrecognized option '%s'", word);
	}
	if (optopt && optopt < CHAR_MAX)
		return kj_fail(err, KJ_EXIT_USAGE, "invalid option -- '%c'", optopt);
	return kj_fail(err, KJ_EXIT_USAGE, "unrecognized option '%s'", word);
}

/* One getopt_long pass: a case per option, each a line or two; its length
 * is the option list's (the rules between options are check_combination's
 * and load_only[]'s). */
int kj_parse_options(int argc, char *const argv[], struct kj_options *o, struct kj_error *err)
{
	bool action_given = false;
	int seen[NR_EXCL] = { 0 };
	int c;

	memset(o, 0, sizeof(*o));
	o->action = KJ_ACTION_LOAD_AND_REBOOT;
	o->image_type = KJ_IMAGE_NORMAL;
	o->syscall = KJ_SYSCALL_AUTO;

	optind = 0; /* full reset: the parser may run more than once (tests) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		if (check_excl(c, seen, err) < 0)
			return -1;
		switch (c) {
		case 'h':
			o->action = KJ_ACTION_HELP;
			return 0;
		case 'v':
			o->action = KJ_ACTION_VERSION;
			return 0;
		case 'f':
			o->action = KJ_ACTION_LOAD_AND_EXEC;
			action_given = true;
			break;
		case 'l':
			o->image_type = KJ_IMAGE_NORMAL;
			o->image_type_given = true;
			break;
		case 'p':
			o->image_type = KJ_IMAGE_CRASH;
			o->image_type_given = true;
			break;
		case 'u':
			o->action = KJ_ACTION_UNLOAD;
			action_given = true;
			break;
		case 'e':
			o->action = KJ_ACTION_EXEC;
			action_given = true;
			break;
		case 'S':
			o->action = KJ_ACTION_STATUS;
			action_given = true;
			break;
		case 'x': o->no_ifdown = true; break;
		case 'y': o->no_sync = true; break;
		case 'i': o->no_checks = true; break;
		case 'd': o->debug = true; break;
		case 's':
			o->syscall = KJ_SYSCALL_FILE;
			o->syscall_given = true;
			break;
		case 'c':
			o->syscall = KJ_SYSCALL_LOAD;
			o->syscall_given = true;
			break;
		case 'a':
			o->syscall = KJ_SYSCALL_AUTO;
			o->syscall_given = true;
			break;
		case 't': o->type = optarg; break;
		case OPT_MEM_MIN:
			if (parse_addr("--mem-min", optarg, &o->mem_min, err) < 0)
				return -1;
			break;
		case OPT_MEM_MAX:
			if (parse_addr("--mem-max", optarg, &o->mem_max, err) < 0)
				return -1;
			o->mem_max_given = true;
			break;
		case OPT_COMMAND_LINE: o->command_line = optarg; break;
		case OPT_REUSE_CMDLINE: o->reuse_cmdline = true; break;
		case OPT_INITRD:
			if (o->nr_initrds == KJ_MAX_INITRDS)
				return kj_fail(err, KJ_EXIT_USAGE, "at most %d --initrd options",
					       KJ_MAX_INITRDS);
			o->initrds[o->nr_initrds++] = optarg;
			break;
		case OPT_ENTRY_32BIT: o->entry_32bit = true; break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_LOAD_PRESERVE_CONTEXT:
			o->image_type = KJ_IMAGE_NORMAL;
			o->image_type_given = true;
			o->preserve_context = true;
			break;
		case OPT_LOAD_JUMP_BACK_HELPER:
			o->image_type = KJ_IMAGE_NORMAL;
			o->image_type_given = true;
			o->jump_back_helper = true;
			break;
		case OPT_ENTRY:
			if (parse_addr("--entry", optarg, &o->entry, err) < 0)
				return -1;
			o->entry_given = true;
			break;
		case OPT_ARGS_LINUX:
			o->elf_args = KJ_ARGS_LINUX;
			o->elf_args_given = true;
			break;
		case OPT_ARGS_NONE:
			o->elf_args = KJ_ARGS_NONE;
			o->elf_args_given = true;
			break;
		case OPT_NOEFI: o->noefi = true; break;
		case OPT_FORCE_RESUME: o->force_resume = true; break;
		case OPT_PRINT_CKR_SIZE:
			o->action = KJ_ACTION_PRINT_CKR_SIZE;
			action_given = true;
			break;
		case OPT_ARGS_ELF:
			o->elf_args = KJ_ARGS_ELF;
			o->elf_args_given = true;
			break;
		case ':':
			return kj_fail(err, KJ_EXIT_USAGE, "option '%s' needs an argument",
				       argv[optind - 1]);
		default:
			return bad_option(argc, argv, err);
		}
	}
	if (optind < argc)
		o->kernel = argv[optind++];
	if (optind < argc)
		return kj_fail(err, KJ_EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
	return check_combination(o, action_given, err);
}
