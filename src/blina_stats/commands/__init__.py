"""Sub-commands of the ``blina-stats`` command line (see ``blina_stats.cli``)."""
