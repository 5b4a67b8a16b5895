# Put back together the userspace lines of a serial log that a kernel
# console record cut in two.
#
#   awk -f unsplit.awk serial.raw.log >serial.log
#
# Why: the 8250 driver sends a tty's output (the guest's echo) from its
# transmit buffer a FIFO's worth (16 bytes) at a time, while printk
# writes a whole record straight to the UART between two such chunks.
# "KJ-RC helper rc=0" then reaches the log as
#
#   KJ-RC helper r[    3.120456] tsc: Refined TSC clocksource calibration: ...
#   c=0
#
# and no marker matches it.  A record is recognised by its timestamp
# (the harness boots every kernel with printk.time=1), found after the
# start of a line once a kernel has printed its first record at the
# start of one (before that, the firmware's output runs into the
# kernel's first line: that is not a split).  The record goes on a line
# of its own, where it was printed; the text before it waits and is
# joined with the next line that is not a record, the rest of the line
# it came from.  A line is never split twice in the same place: the
# output of this script is its own fixed point.
#
# What it cannot see: a record without a timestamp (a kernel that a
# scenario boots with its own command line), or a userspace line that
# itself carries a timestamp in its middle (none of the harness' does).
BEGIN {
	rec = "\\[ *[0-9]+\\.[0-9][0-9][0-9][0-9][0-9][0-9]\\] "
	head = "^" rec
	kernel = 0
	held = ""
}
{
	sub(/\r+$/, "")
	line = held $0
	held = ""
	if (!kernel) {
		if (match($0, head))
			kernel = 1
		print line
		next
	}
	if (match(line, rec) && RSTART > 1) {
		pre = substr(line, 1, RSTART - 1)
		# a prefix with control characters is not a line of ours
		# (firmware escapes, a kernel's own garbage): leave it be
		if (pre !~ /[\001-\037\177]/) {
			print substr(line, RSTART)
			held = pre
			next
		}
	}
	print line
}
END {
	if (held != "")
		print held
}
