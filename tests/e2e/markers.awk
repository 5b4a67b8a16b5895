# Check a serial console log against a scenario's markers.
#
#   awk -f markers.awk -v EXP=expect.txt -v FORB=forbid.txt -v FAFT=after.txt serial.log
#
# Each pattern file holds one marker a line: a fixed string, or "re:ERE".
#   EXP   must all appear, in this order (several may match on one line)
#   FORB  must not appear anywhere
#   FAFT  must not appear after the line that matched the last EXP marker
# First output line: "MATCHED TOTAL LASTLINE FORBIDLINE AFTERLINE"; then
# one human-readable line per problem.
function load(f, arr,    n, l) {
	n = 0
	if (f == "")
		return 0
	while ((getline l < f) > 0)
		arr[++n] = l
	close(f)
	return n
}
function m(s, p) {
	if (substr(p, 1, 3) == "re:")
		return s ~ substr(p, 4)
	return index(s, p) > 0
}
BEGIN {
	ne = load(EXP, E); nf = load(FORB, F); na = load(FAFT, A)
	k = 1; last = 0; fh = 0; ah = 0
}
{
	sub(/\r+$/, "")
	if (na)
		L[NR] = $0
	while (k <= ne && m($0, E[k])) {
		k++
		last = NR
	}
	if (!fh)
		for (i = 1; i <= nf; i++)
			if (m($0, F[i])) {
				fh = NR; fp = F[i]; ft = $0
				break
			}
}
END {
	if (k > ne && na)
		for (j = last + 1; j <= NR && !ah; j++)
			for (i = 1; i <= na; i++)
				if (m(L[j], A[i])) {
					ah = j; ap = A[i]; at = L[j]
					break
				}
	print (k - 1) " " ne " " last " " fh " " ah
	if (k <= ne)
		print "missing marker " k "/" ne ": " E[k]
	if (fh)
		print "forbidden marker at line " fh ": " fp "  [" ft "]"
	if (ah)
		print "forbidden marker after the last expected one, at line " ah ": " ap "  [" at "]"
}
