# Bash completions for kexec and kdump, installed where bash-completion
# looks them up by command name (configure --with-bashcompletiondir).
dist_bashcompletion_DATA = completion/kexec completion/kdump

TESTS += completion/check-completion.sh
EXTRA_DIST += completion/check-completion.sh
