# purgatory
