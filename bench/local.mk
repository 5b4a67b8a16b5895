# bench: see the files beside this one.
