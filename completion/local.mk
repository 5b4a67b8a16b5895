# completion: see the files beside this one.
