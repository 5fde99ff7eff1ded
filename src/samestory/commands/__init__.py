"""CLI subcommands: thin argument parsing over the package functions."""
