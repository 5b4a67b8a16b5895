# man: kexec(8) and kdump(8), written by hand in man(7) macros, installed
# under $(mandir)/man8.  man/check-man.sh (make check) compares their
# option items with kexec --help and kdump --help, their EXIT STATUS with
# include/exitcodes.h, and renders them with man -l, groff -ww and lexgrog
# (man-db and groff-base; bootstrap installs them).
dist_man8_MANS = man/kexec.8 man/kdump.8
TESTS += man/check-man.sh
EXTRA_DIST += man/check-man.sh
