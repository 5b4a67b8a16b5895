#!/bin/bash
# Run the cmocka unit tests under valgrind (memcheck): any error or
# definite leak fails the test.  From a configured build directory:
#   tests/valgrind.sh [TEST...]      (default: every tests/unit/test-* binary)
# Prints "PASS name" / "FAIL name" per test, then "N passed, N failed".
set -uo pipefail
command -v valgrind >/dev/null || { echo "FAIL valgrind: not installed (./bootstrap installs it)"; echo "0 passed, 1 failed"; exit 1; }
[ -f tests/kernels.env ] && . tests/kernels.env && export KJ_TEST_BZIMAGE_AMD64 KJ_TEST_BZIMAGE_I386
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	for t in tests/unit/test-*; do
		[ -x "$t" ] && [ -f "$t" ] && case "$t" in *.log|*.trs|*.o) ;; *) tests+=("$t") ;; esac
	done
fi
passed=0 failed=0
for t in "${tests[@]}"; do
	name=$(basename "$t")
	if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$t" >"$t.valgrind.log" 2>&1; then
		echo "PASS valgrind $name"
		passed=$((passed + 1))
	else
		echo "FAIL valgrind $name"
		grep -E '==[0-9]+==|FAILED' "$t.valgrind.log" | head -n 20 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
