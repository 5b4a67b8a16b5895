# man: see the files beside this one.
